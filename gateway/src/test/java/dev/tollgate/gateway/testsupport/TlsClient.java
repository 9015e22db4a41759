package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.demo.Certificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import reactor.netty.http.client.HttpClient;

/** A real TLS client for end-to-end tests: trusts the test server CA, optionally presents a client certificate. */
public final class TlsClient {

    /** What came back. */
    public record Response(int status, io.netty.handler.codec.http.HttpHeaders headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }

        /** The {@code decision_id} of a problem+json body (a refused request's), or {@code null} when it has none. */
        public String problemDecisionId() {
            return TlsClient.problemDecisionId(body);
        }
    }

    private static final Pattern DECISION_ID = Pattern.compile("\"decision_id\":\"([0-9a-f]+)\"");

    /** The {@code decision_id} of a problem+json body, or {@code null} when it has none. */
    public static String problemDecisionId(String body) {
        Matcher m = DECISION_ID.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    private final HttpClient client;

    public TlsClient(int port, Certificates.Issued clientCertificate) {
        GatewayFixture f = GatewayFixture.get();
        SslContext ssl;
        try {
            SslContextBuilder b = SslContextBuilder.forClient().trustManager(f.serverCa.certificate());
            if (clientCertificate != null) {
                b.keyManager(clientCertificate.key(), clientCertificate.certificate());
            }
            ssl = b.build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
        this.client = HttpClient.create().baseUrl("https://localhost:" + port)
                .secure(spec -> spec.sslContext(ssl)).responseTimeout(Duration.ofSeconds(10));
    }

    public Response get(String path, Map<String, String> headers) {
        return send("GET", path, headers);
    }

    public Response send(String method, String path, Map<String, String> headers) {
        return send(method, path, headers, null);
    }

    public Response send(String method, String path, Map<String, String> headers, String body) {
        var request = client.headers(h -> headers.forEach(h::add))
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(method)).uri(path);
        var sending = body == null ? request
                : request.send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just(body)));
        return sending.responseSingle((res, content) -> content.asString().defaultIfEmpty("")
                        .map(b -> new Response(res.status().code(), res.responseHeaders(), b)))
                .block(Duration.ofSeconds(15));
    }

    /** Sends headers that may repeat (each entry is one header line). */
    public Response sendEach(String method, String path, java.util.List<Map.Entry<String, String>> headers) {
        return client.headers(h -> headers.forEach(e -> h.add(e.getKey(), e.getValue())))
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(method)).uri(path)
                .responseSingle((res, content) -> content.asString().defaultIfEmpty("")
                        .map(b -> new Response(res.status().code(), res.responseHeaders(), b)))
                .block(Duration.ofSeconds(15));
    }

    /** Repeats {@code call} until it answers {@code status} (at most 15 s): recovery and failover without sleeps. */
    public static Response eventually(java.util.function.Supplier<Response> call, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Response r = call.get();
        while (r.status() != status && System.nanoTime() < deadline) {
            r = call.get();
        }
        org.assertj.core.api.Assertions.assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r;
    }

    /** {@code Authorization: DPoP <token>} with its proof. */
    public static Map<String, String> dpop(String token, String proof) {
        return Map.of("Authorization", "DPoP " + token, "DPoP", proof);
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
