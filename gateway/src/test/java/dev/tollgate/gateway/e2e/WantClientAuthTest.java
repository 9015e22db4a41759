package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.TlsClient;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code client-auth: want}: the handshake succeeds without a certificate; routes that need mTLS answer 401. */
class WantClientAuthTest extends AbstractGatewayTest {

    @DynamicPropertySource
    static void wantMode(DynamicPropertyRegistry r) {
        register(r, "want");
    }

    @Test
    void withoutAClientCertificateAnMtlsRouteAnswers401() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        TlsClient.Response r = client(null).get("/api/acme/orders/42", TlsClient.bearer(token));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(r.body()).contains("mtls.missing");
    }

    @Test
    void aTokenOnlyRouteAcceptsABearerTokenWithoutACertificate() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        TlsClient.Response r = client(null).get("/token-only/acme/orders/1", TlsClient.bearer(token));
        // Authenticated by the token alone; the policy has no rule for this path, so: default deny.
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("policy.denied");
    }
}
