package dev.tollgate.gateway.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** A bounded GET of a JSON document (JWKS, discovery, SPIFFE bundle): non-200 and oversized answers are errors. */
public final class RemoteJson {

    public static final int MAX_BYTES = 256 * 1024;

    private RemoteJson() {
    }

    public static Mono<String> get(HttpClient http, URI uri) {
        return http.get().uri(uri.toString())
                .responseSingle((response, body) -> {
                    if (response.status().code() != 200) {
                        return Mono.error(new IllegalStateException(uri.getPath() + " answered "
                                + response.status().code()));
                    }
                    return body.asByteArray();
                })
                .map(bytes -> {
                    if (bytes.length > MAX_BYTES) {
                        throw new IllegalStateException(uri.getPath() + ": document too large");
                    }
                    return new String(bytes, StandardCharsets.UTF_8);
                });
    }
}
