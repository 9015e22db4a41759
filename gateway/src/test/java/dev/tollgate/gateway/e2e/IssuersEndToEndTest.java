package dev.tollgate.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.gateway.authn.WorkloadAuthenticator;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TestTokens;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workload tokens of several issuers over real TLS: Kubernetes service-account tokens and JWT-SVIDs mapped to the right
 * principal and tenant, declared subject mappings, RFC 8705 certificate binding, key rotation at a JWKS endpoint
 * without restart, the unknown-kid refetch rate limit, and an IdP that stays down past the staleness bound.
 */
class IssuersEndToEndTest extends GatewayTestBase {

    @AfterEach
    void restoreIdp() {
        fixture.serveIdpKeys();
    }

    TlsClient.Response call(String token) {
        return client(fixture.checkout).get("/api/acme/orders/1", TlsClient.bearer(token));
    }

    DecisionEvent allowedEvent() {
        var served = fixture.upstream.getAllServeEvents();
        return decisions.await(served.get(0).getRequest().getHeader("X-Tollgate-Decision-Id"));
    }

    static TestTokens.Builder token(ECKey key, String issuer, String subject) {
        return TestTokens.builder(key).issuer(issuer).subject(subject).audience(GatewayFixture.AUDIENCE)
                .issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(5));
    }

    @Test
    void aKubernetesServiceAccountTokenMapsToItsWorkloadsSpiffeIdAndTenant() {
        String sa = fixture.token("system:serviceaccount:shop:checkout").issuer(KUBERNETES_ISSUER)
                .claim("kubernetes.io", Map.of("namespace", "shop", "serviceaccount", Map.of("name", "checkout"),
                        "pod", Map.of("name", "checkout-5c7d"))).sign();
        TlsClient.Response r = call(sa);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        DecisionEvent event = allowedEvent();
        assertThat(event.principal()).isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(event.tenant()).isEqualTo("acme");
        // Another service account's token over checkout's connection: the identities disagree.
        String other = fixture.token("system:serviceaccount:shop:reporter").issuer(KUBERNETES_ISSUER)
                .claim("kubernetes.io", Map.of("namespace", "shop", "serviceaccount", Map.of("name", "reporter")))
                .sign();
        TlsClient.Response mismatch = call(other);
        assertThat(mismatch.status()).isEqualTo(401);
        assertThat(mismatch.body()).contains("binding.subject-mismatch");
    }

    @Test
    void aJwtSvidMapsToItsSpiffeIdAndOnlyItsTrustDomain() {
        TlsClient.Response ok = call(fixture.token(GatewayFixture.CHECKOUT).issuer(SPIRE_ISSUER).sign());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(allowedEvent().principal()).isEqualTo(GatewayFixture.CHECKOUT);
        TlsClient.Response foreign = call(fixture.token(GatewayFixture.INVOICER).issuer(SPIRE_ISSUER).sign());
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.body()).contains("token.jwt-svid.trust-domain");
        assertThat(foreign.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void aTrustDomainFromItsBundleEndpointVouchesForX509AndJwtSvids() {
        // hooli.test's CA comes only from its bundle endpoint: the handshake accepts its SVID.
        TlsClient hooli = client(fixture.hooliApi);
        assertThat(hooli.get("/api/hooli/status", Map.of()).status()).isEqualTo(200);
        // Its JWT authority (the bundle's jwt-svid key) verifies a JWT-SVID of its trust domain.
        String svid = token(fixture.hooliJwtKey, HOOLI_SPIRE_ISSUER, GatewayFixture.HOOLI_API).sign();
        TlsClient.Response withToken = hooli.get("/api/hooli/status", TlsClient.bearer(svid));
        assertThat(withToken.status()).as(withToken.body()).isEqualTo(200);
        String notInBundle = token(TestProofs.newEcKey(), HOOLI_SPIRE_ISSUER, GatewayFixture.HOOLI_API)
                .header(h -> h.keyID("hooli-jwt-1")).sign();
        TlsClient.Response forged = hooli.get("/api/hooli/status", TlsClient.bearer(notInBundle));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.body()).contains("token.signature");
    }

    @Test
    void aTrustDomainFederatedOverHttpsSpiffeIsTrustedFromTheBundleItsSvidAuthenticatedEndpointServes() {
        // umbrella's workload has an SVID of CA 2, which only the endpoint's bundle (not the bootstrap file) names.
        TlsClient.Response r = client(fixture.umbrellaApi).get("/api/umbrella/status", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aDeclaredSubjectMappingBindsAClientIdToItsWorkload() {
        assertThat(call(fixture.token("checkout-client").issuer(PARTNER_ISSUER).sign()).status()).isEqualTo(200);
        TlsClient.Response unmapped = call(fixture.token("someone-else").issuer(PARTNER_ISSUER).sign());
        assertThat(unmapped.status()).isEqualTo(401);
        assertThat(unmapped.body()).contains("binding.subject-mismatch");
    }

    @Test
    void aCertificateBoundTokenWorksOnlyOverItsCertificate() {
        String bound = fixture.token(GatewayFixture.CHECKOUT).confirmation(Map.of("x5t#S256",
                WorkloadAuthenticator.thumbprint(fixture.checkout.certificate()))).sign();
        assertThat(call(bound).status()).isEqualTo(200);
        String boundElsewhere = fixture.token(GatewayFixture.CHECKOUT).confirmation(Map.of("x5t#S256",
                WorkloadAuthenticator.thumbprint(fixture.reporter.certificate()))).sign();
        TlsClient.Response r = call(boundElsewhere);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("token.cnf-x5t");
    }

    @Test
    void keysRotateAtTheJwksEndpointWithoutARestartAndUnknownKidsCannotHammerTheIdp() {
        String signedWithA = token(fixture.rotatingA, ROTATING_ISSUER, GatewayFixture.CHECKOUT).sign();
        assertThat(call(signedWithA).status()).isEqualTo(200);
        // The IdP rotates: B in, A out. The first token signed with B names a kid we do not know → one refetch.
        fixture.idp.resetAll();
        fixture.serveJwks("/rotating/jwks", fixture.rotatingB);
        TlsClient.Response withB = TlsClient.eventually(() -> call(token(fixture.rotatingB, ROTATING_ISSUER,
                GatewayFixture.CHECKOUT).sign()), 200);
        assertThat(withB.status()).isEqualTo(200);
        TlsClient.Response withA = call(token(fixture.rotatingA, ROTATING_ISSUER, GatewayFixture.CHECKOUT).sign());
        assertThat(withA.status()).as("a rotated-out key stops working").isEqualTo(401);
        assertThat(withA.body()).contains("token.unknown-key");
        TlsClient.Response rememberedA = call(signedWithA);
        assertThat(rememberedA.status()).as("a token verified with A before the rotation is not honoured from the"
                + " verification cache").isEqualTo(401);
        assertThat(rememberedA.body()).contains("token.unknown-key");

        int before = fixture.idp.findAll(getRequestedFor(urlEqualTo("/rotating/jwks"))).size();
        for (int i = 0; i < 25; i++) {
            ECKey made = TestProofs.newEcKey();
            String forged = token(made, ROTATING_ISSUER, GatewayFixture.CHECKOUT)
                    .header(h -> h.keyID("made-up-" + UUID.randomUUID())).sign();
            assertThat(call(forged).status()).isEqualTo(401);
        }
        int fetches = fixture.idp.findAll(getRequestedFor(urlEqualTo("/rotating/jwks"))).size() - before;
        assertThat(fetches).as("25 unknown kids in well under the 2s interval: at most one refetch").isLessThanOrEqualTo(1);
    }

    @Test
    void whileTheIdpIsDownCachedKeysServeUpToTheBoundThenTheRouteFailsClosed() {
        Supplier<TlsClient.Response> fresh = () -> call(token(fixture.issuerKey, FLAKY_ISSUER, GatewayFixture.CHECKOUT)
                .sign());
        assertThat(TlsClient.eventually(fresh, 200).status()).isEqualTo(200);
        fixture.idp.resetAll();
        fixture.idp.stubFor(get(urlEqualTo("/flaky/jwks")).willReturn(aResponse().withStatus(500)));
        fixture.serveJwks("/rotating/jwks", fixture.rotatingA);
        long down = System.nanoTime();
        TlsClient.Response cached = fresh.get();
        long cachedAt = System.nanoTime() - down;
        if (cachedAt < Duration.ofMillis(800).toNanos()) {
            assertThat(cached.status()).as("cached keys keep working within the bound").isEqualTo(200);
        }
        TlsClient.Response refused = TlsClient.eventually(fresh, 503);
        assertThat(refused.body()).contains("dependency.issuer-keys");
        assertThat(refused.header("Retry-After")).isNotBlank();
        fixture.serveIdpKeys();
        assertThat(TlsClient.eventually(fresh, 200).status()).as("recovers without a restart").isEqualTo(200);
    }
}
