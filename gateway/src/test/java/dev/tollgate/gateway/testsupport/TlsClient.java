package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.demo.Certificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;
import reactor.netty.http.client.HttpClient;

/** A real TLS client for end-to-end tests: trusts the test server CA, optionally presents a client certificate. */
public final class TlsClient {

    /** What came back. */
    public record Response(int status, io.netty.handler.codec.http.HttpHeaders headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
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

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
