package dev.tollgate.gateway.token;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A bounded GET of a JSON document (JWKS, discovery, SPIFFE bundle): non-200 and oversized answers are errors, and the
 * size is enforced while reading, so an endpoint cannot make us buffer more than {@link #MAX_BYTES}.
 */
public final class RemoteJson {

    public static final int MAX_BYTES = 256 * 1024;

    private RemoteJson() {
    }

    public static Mono<String> get(HttpClient http, URI uri) {
        return http.get().uri(uri.toString())
                .response((response, content) -> {
                    if (response.status().code() != 200) {
                        return Mono.error(new IllegalStateException(uri.getPath() + " answered "
                                + response.status().code()));
                    }
                    String length = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
                    if (length != null && length.length() < 19 && Long.parseLong(length.trim()) > MAX_BYTES) {
                        return Mono.error(tooLarge(uri));
                    }
                    return content.asByteArray().reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                        if (out.size() + chunk.length > MAX_BYTES) {
                            throw tooLarge(uri);
                        }
                        out.writeBytes(chunk);
                        return out;
                    });
                })
                .next()
                .map(out -> out.toString(StandardCharsets.UTF_8));
    }

    private static IllegalStateException tooLarge(URI uri) {
        return new IllegalStateException(uri.getPath() + ": document larger than " + MAX_BYTES + " bytes");
    }

    /**
     * Keys and bundles decide whom we trust, so they come over https; plain http only from loopback (local development
     * and tests), where no one sits in between.
     */
    public static URI requireSecure(URI uri, String what) {
        if (uri == null) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || (scheme.equals("http") && loopback(uri.getHost()))) {
            return uri;
        }
        throw new IllegalArgumentException(what + " must be an https URL (plain http only on loopback): " + uri);
    }

    private static boolean loopback(String host) {
        return host != null && (host.equalsIgnoreCase("localhost") || host.equals("[::1]")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
    }
}
