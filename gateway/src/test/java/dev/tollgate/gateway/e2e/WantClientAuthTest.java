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

    /** Issue 17 review: a delegated token shows who acts only when that actor proves it holds it. */
    @Test
    void aDelegatedBearerTokenWithoutCertificateOrProofIsRefused() {
        String delegated = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", java.util.Map.of("sub", GatewayFixture.PLANNER)).sign();
        TlsClient.Response r = client(null).get("/token-only/acme/status", TlsClient.bearer(delegated));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("token.act.unbound");
        assertThat(client(fixture.planner).get("/token-only/acme/status", TlsClient.bearer(delegated)).status())
                .as("with the actor's certificate it is authenticated (and decided: no rule lets an agent in)")
                .isEqualTo(403);
    }

    @Test
    void aTokenOnlyRouteAcceptsABearerTokenWithoutACertificate() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        TlsClient.Response r = client(null).get("/token-only/acme/orders/1", TlsClient.bearer(token));
        // Authenticated by the token alone; the policy has no rule for this path, so: default deny.
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("policy.denied");
    }

    @Test
    void aGenericOidcClientIsNamedInPolicyWithItsIssuerAndATenantAcceptsOnlyTheIssuersItDeclares() {
        String partnerApp = fixture.token("a1b2").issuer(PARTNER_APP_ISSUER).claim("client_id", "sync-agent").sign();
        assertThat(get("/token-only/acme/sync/1", partnerApp).status()).isEqualTo(200);
        assertThat(get("/token-only/acme/status", partnerApp).status())
                .as("acme declares partner-app: its clients are acme's own").isEqualTo(200);

        // Another trusted issuer that names the tenant in a claim: same client name, but not acme's to vouch for.
        String selfService = fixture.token("sync-agent").issuer(SELF_SERVICE_ISSUER).claim("tenant", "acme").sign();
        TlsClient.Response sameName = get("/token-only/acme/sync/1", selfService);
        assertThat(sameName.status()).isEqualTo(403);
        assertThat(sameName.body()).contains("policy.denied");
        assertThat(get("/token-only/acme/status", selfService).status())
                .as("claiming the tenant does not make the issuer's clients acme's").isEqualTo(403);

        // An IdP cannot name a SPIFFE workload it does not vouch for (partner-app has no trust-domains).
        String impersonation = fixture.token("a1b2").issuer(PARTNER_APP_ISSUER)
                .claim("client_id", GatewayFixture.CHECKOUT).sign();
        TlsClient.Response r = get("/token-only/acme/status", impersonation);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("token.principal.trust-domain");
    }

    private TlsClient.Response get(String path, String token) {
        return client(null).get(path, TlsClient.bearer(token));
    }
}
