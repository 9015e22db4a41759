package dev.tollgate.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.revocation.LocalRevocationStore;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.token.IssuerKeys;
import dev.tollgate.gateway.token.IssuerSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import reactor.netty.http.client.HttpClient;

/**
 * Issue 12, class 8: a local key file is read at start-up, and a file that cannot be used stops the start with a
 * message saying which and why; readiness is DOWN while any issuer has no keys to verify with.
 */
class StartupAndReadinessTest {

    @TempDir
    Path dir;

    private IssuerKeys keys(Path file, URI uri) {
        IssuerSettings s = IssuerSettings.of("https://issuer.startup.test", file, uri, List.of("tollgate"), null,
                null, null, Duration.ofHours(1), List.of());
        return new IssuerKeys(s, DependencyRegistry.ofDefaults().dependency("issuer:startup"), HttpClient.create());
    }

    @Test
    void anUnusableKeyFileStopsTheStartSayingWhy() throws Exception {
        Map<Path, String> broken = new HashMap<>();
        broken.put(dir.resolve("missing.json"), "cannot read jwks-file");
        Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
        broken.put(dir.resolve("empty.json"), "holds no keys");
        Files.writeString(dir.resolve("garbage.json"), "{\"keys\":[{\"kty\":\"EC\"}");
        broken.put(dir.resolve("garbage.json"), "is not a JWK set");
        Files.writeString(dir.resolve("html.json"), "<html>sign in</html>");
        broken.put(dir.resolve("html.json"), "is not a JWK set");
        broken.forEach((file, message) -> {
            IssuerKeys k = keys(file, null);
            assertThatThrownBy(k::start).as(file.toString()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(message).hasMessageContaining(file.toString());
            k.close();
        });
    }

    @Test
    void theGatewayDoesNotStartWithAKeyFileItCannotRead() {
        Map<String, Object> properties = new HashMap<>();
        AbstractGatewayTest.registerShared((name, value) -> properties.put(name, value.get()));
        properties.put("server.port", "0");
        properties.put("tollgate.issuers.test.jwks-file", dir.resolve("nowhere.json").toString());
        assertThatThrownBy(() -> new SpringApplicationBuilder(TollgateApplication.class).properties(properties).run()
                .close()).satisfies(e -> assertThat(rootMessage(e)).contains("cannot read jwks-file")
                        .contains("nowhere.json"));
    }

    @Test
    void readinessIsDownWhileAnIssuerHasNoKeys() throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, new JWKSet(TestProofs.newEcKey().toPublicJWK()).toString());
        IssuerKeys local = keys(file, null);
        local.start().block(Duration.ofSeconds(5));
        IssuerKeys unreachable = keys(null, URI.create("http://127.0.0.1:9/jwks"));
        unreachable.start().onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(Duration.ofSeconds(30));
        try (DecisionLog decisions = new DecisionLog(16, List.of())) {
            Health up = new DependenciesHealthIndicator(DependencyRegistry.ofDefaults(), new LocalRevocationStore(),
                    List.of(local), decisions).health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            Health down = new DependenciesHealthIndicator(DependencyRegistry.ofDefaults(), new LocalRevocationStore(),
                    List.of(local, unreachable), decisions).health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("issuersWithoutKeys")).isEqualTo(List.of("https://issuer.startup.test"));
        } finally {
            local.close();
            unreachable.close();
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
