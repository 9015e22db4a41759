package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 4: mutual TLS to upstreams. A route pins its upstream's SPIFFE ID; the gateway presents its own
 * X.509-SVID (from files, rotated without a restart) and accepts only an upstream that proves the pinned ID against
 * its trust domain's bundle. Real TLS on both sides: the upstreams are Netty servers that require a client
 * certificate and answer with the one they saw.
 */
class UpstreamMtlsTest extends GatewayTestBase {

    private TlsClient.Response get(String path) {
        return client(fixture.checkout).get(path, Map.of());
    }

    @Test
    void thePinnedUpstreamSeesTheGatewaysOwnSvid() {
        TlsClient.Response r = get("/upstream/acme/backend/orders/1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).startsWith(GatewayFixture.GATEWAY_SVID + " ");
    }

    @Test
    void anUpstreamPresentingAnotherSpiffeIdIsRefusedAsABadGateway() {
        TlsClient.Response r = get("/upstream/acme/impostor/orders/1");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).contains("upstream.tls");
    }

    /** A rotated SVID is presented on the next new connection (the upstream closes each one): no restart. */
    @Test
    void aRotatedSvidIsPresentedWithoutARestart() throws Exception {
        BigInteger before = serial(get("/upstream/acme/backend/orders/2"));
        BigInteger rotated = fixture.writeGatewaySvid();
        assertThat(rotated).isNotEqualTo(before);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        BigInteger seen = before;
        while (!seen.equals(rotated) && System.nanoTime() < deadline) {
            seen = serial(get("/upstream/acme/backend/orders/2"));
        }
        assertThat(seen).as("the upstream saw the new SVID").isEqualTo(rotated);
    }

    @Test
    void aDeniedRequestNeverReachesThePinnedUpstream() {
        TlsClient.Response r = client(fixture.reporter).get("/upstream/acme/backend/orders/3", Map.of());
        assertThat(r.status()).isEqualTo(403);
    }

    private static BigInteger serial(TlsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new BigInteger(r.body().substring(r.body().indexOf(' ') + 1).trim());
    }
}
