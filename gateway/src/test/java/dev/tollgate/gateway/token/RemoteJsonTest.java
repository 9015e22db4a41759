package dev.tollgate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/** Remote keys and bundles: bounded while reading, and only over https (plain http on loopback only). */
class RemoteJsonTest {

    static DisposableServer server;
    static final String CHUNK = "x".repeat(1024);

    @BeforeAll
    static void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r
                        .get("/small", (req, res) -> res.sendString(reactor.core.publisher.Mono.just("{\"keys\":[]}")))
                        // No Content-Length: the size is only known by reading, so it must be bounded while reading.
                        .get("/endless", (req, res) -> res.chunkedTransfer(true)
                                .sendString(Flux.range(0, 10_000).map(i -> CHUNK)))
                        .get("/declared", (req, res) -> res.header("Content-Length", "100000000")
                                .sendString(reactor.core.publisher.Mono.just(CHUNK))))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
    }

    String get(String path) {
        return RemoteJson.get(HttpClient.create(), URI.create("http://127.0.0.1:" + server.port() + path))
                .block(Duration.ofSeconds(10));
    }

    @Test
    void aDocumentIsReadUpToTheBoundAndNoFurther() {
        assertThat(get("/small")).isEqualTo("{\"keys\":[]}");
        assertThatThrownBy(() -> get("/endless")).hasMessageContaining("larger than " + RemoteJson.MAX_BYTES);
        assertThatThrownBy(() -> get("/declared")).hasMessageContaining("larger than " + RemoteJson.MAX_BYTES);
    }

    @Test
    void keysAndBundlesComeOverHttpsOrFromLoopback() {
        assertThat(RemoteJson.requireSecure(URI.create("https://idp.example/keys"), "jwks-uri")).isNotNull();
        assertThat(RemoteJson.requireSecure(URI.create("http://127.0.0.1:8080/keys"), "jwks-uri")).isNotNull();
        assertThat(RemoteJson.requireSecure(URI.create("http://localhost/keys"), "jwks-uri")).isNotNull();
        assertThatThrownBy(() -> RemoteJson.requireSecure(URI.create("http://idp.example/keys"), "jwks-uri"))
                .hasMessageContaining("must be an https URL");
        assertThatThrownBy(() -> RemoteJson.requireSecure(URI.create("http://127.0.0.1.evil.example/keys"),
                "jwks-uri")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteJson.requireSecure(URI.create("file:///etc/keys"), "jwks-uri"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IssuerSettings.of("https://idp.example", null, URI.create("http://idp.example/k"),
                null, null, null, null, null, null)).hasMessageContaining("jwks-uri must be an https URL");
    }
}
