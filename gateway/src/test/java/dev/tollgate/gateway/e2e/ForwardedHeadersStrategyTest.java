package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code server.forward-headers-strategy: none} in the gateway's own application.yml. On Kubernetes (detected from the
 * environment, here set as {@code spring.main.cloud-platform}) Spring Boot otherwise honours a client's
 * {@code Forwarded} and {@code X-Forwarded-*} headers as the request's scheme and host. Without
 * {@code tollgate.dpop.external-uri}, a DPoP proof's {@code htu} is compared with that origin: a caller holding a proof
 * made for another server (another resource, another cluster) could make it match by naming that server in a header,
 * which is the replay RFC 9449's {@code htu} exists to stop. These tests fail if the setting is removed.
 */
class ForwardedHeadersStrategyTest extends AbstractGatewayTest {

    private static final String PATH = "/dpop/acme/required/orders/7";
    private static final String OTHER_ORIGIN = "https://orders.other-cluster.example";

    @DynamicPropertySource
    static void onKubernetesWithoutAnExternalUri(DynamicPropertyRegistry r) {
        registerShared(r);
        r.add("spring.main.cloud-platform", () -> "kubernetes");
        r.add("tollgate.dpop.external-uri", () -> "");
    }

    private final ECKey key = TestProofs.newEcKey();

    /** Every way a client can name an origin in a header: the standard one, the de-facto ones, and both together. */
    static List<Map<String, String>> originHeaders() {
        return List.of(
                Map.of("Forwarded", "proto=https;host=orders.other-cluster.example"),
                Map.of("X-Forwarded-Host", "orders.other-cluster.example", "X-Forwarded-Proto", "https"),
                Map.of("X-Forwarded-Host", "orders.other-cluster.example:443", "X-Forwarded-Proto", "https",
                        "X-Forwarded-Port", "443", "X-Forwarded-Prefix", "/"),
                Map.of("Forwarded", "for=192.0.2.7;proto=https;host=orders.other-cluster.example",
                        "X-Forwarded-Host", "orders.other-cluster.example", "X-Forwarded-Proto", "https"));
    }

    private TlsClient.Response send(String origin, Map<String, String> originHeaders) {
        String token = fixture.token(GatewayFixture.CHECKOUT).confirmation(TestProofs.cnf(key)).sign();
        String proof = TestProofs.es256(key).request("GET", origin + PATH, token).sign();
        Map<String, String> headers = new HashMap<>(TlsClient.dpop(token, proof));
        headers.putAll(originHeaders);
        return client(fixture.checkout).send("GET", PATH, headers);
    }

    @Test
    void aProofForAnotherServerDoesNotMatchByNamingThatServerInAHeader() {
        for (Map<String, String> named : originHeaders()) {
            TlsClient.Response r = send(OTHER_ORIGIN, named);
            assertThat(r.status()).as("%s: %s", named, r.body()).isEqualTo(401);
            assertThat(r.body()).as("%s", named).contains("dpop.htu");
        }
    }

    @Test
    void theOriginTheClientConnectedToStillMatchesWhateverTheHeadersSay() {
        for (Map<String, String> named : originHeaders()) {
            TlsClient.Response r = send("https://localhost:" + port, named);
            assertThat(r.status()).as("%s: %s", named, r.body()).isEqualTo(200);
        }
    }
}
