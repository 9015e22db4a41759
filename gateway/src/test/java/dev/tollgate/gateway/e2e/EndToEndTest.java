package dev.tollgate.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TestTokens;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One authenticated, authorized request end to end — and each way it must fail — over real TLS. */
class EndToEndTest extends GatewayTestBase {

    @Test
    void allowedRequestReachesUpstreamWithIdentityHeadersAndWithoutCredentials() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        Map<String, String> headers = new HashMap<>(TlsClient.bearer(token));
        headers.put("X-Tollgate-Principal", "spiffe://acme.test/ns/admin/sa/root");
        TlsClient.Response r = client(fixture.checkout).get("/api/acme/orders/42", headers);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("upstream-ok");
        fixture.upstream.verify(getRequestedFor(urlEqualTo("/api/acme/orders/42"))
                .withHeader("X-Tollgate-Principal", WireMock.equalTo(GatewayFixture.CHECKOUT))
                .withHeader("X-Tollgate-Tenant", WireMock.equalTo("acme"))
                .withHeader("X-Tollgate-Trust-Domain", WireMock.equalTo("acme.test"))
                .withHeader("X-Tollgate-Credentials", WireMock.equalTo("mtls,jwt"))
                .withHeader("Authorization", absent()));
        var forwarded = fixture.upstream.findAll(getRequestedFor(urlEqualTo("/api/acme/orders/42"))).get(0);
        assertThat(forwarded.getHeaders().getHeader("X-Tollgate-Principal").values())
                .as("a forged identity header never reaches the upstream").containsExactly(GatewayFixture.CHECKOUT);

        String decisionId = forwarded.getHeader("X-Tollgate-Decision-Id");
        DecisionEvent event = decisions.await(decisionId);
        assertThat(event.effect()).isEqualTo("ALLOW");
        assertThat(event.decidingRules()).containsExactly("checkout-reads-orders");
        assertThat(event.principal()).isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(event.tenant()).isEqualTo("acme");
        assertThat(decisions.jsonOf(decisionId)).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
    }

    @Test
    void withoutAClientCertificateTheHandshakeIsRefused() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThatThrownBy(() -> client(null).get("/api/acme/orders/42", TlsClient.bearer(token)))
                .hasStackTraceContaining("SSL");
    }

    @Test
    void aCertificateFromAnUnconfiguredCaIsRefused() {
        Certificates.Issued impostor = Certificates.issue(fixture.foreignCa, Certificates.svid(GatewayFixture.CHECKOUT));
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThatThrownBy(() -> client(impostor).get("/api/acme/orders/42", TlsClient.bearer(token)))
                .hasStackTraceContaining("SSL");
    }

    @Test
    void aCertificateOfAnotherTrustDomainIsRefused() {
        Certificates.Issued other = Certificates.issue(fixture.acmeCa,
                Certificates.svid("spiffe://elsewhere.test/ns/x/sa/y"));
        assertThatThrownBy(() -> client(other).get("/api/acme/orders/42", Map.of()))
                .hasStackTraceContaining("SSL");
    }

    @Test
    void aCertificateWithTwoUriSansIsRefused() {
        Certificates.Issued twoSans = Certificates.issue(fixture.acmeCa,
                Certificates.svid(GatewayFixture.CHECKOUT).uri("spiffe://acme.test/ns/shop/sa/other"));
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThatThrownBy(() -> client(twoSans).get("/api/acme/orders/42", TlsClient.bearer(token)))
                .hasStackTraceContaining("SSL");
    }

    @Test
    void anExpiredTokenIs401() {
        String token = fixture.token(GatewayFixture.CHECKOUT).issuedAt(Instant.now().minus(Duration.ofMinutes(20)))
                .expiresIn(Duration.ofMinutes(10)).sign();
        assertInvalidToken(client(fixture.checkout).get("/api/acme/orders/42", TlsClient.bearer(token)),
                "token.expired");
    }

    @Test
    void aTokenForAnotherAudienceIs401() {
        String token = fixture.token(GatewayFixture.CHECKOUT).audience("someone-else").sign();
        assertInvalidToken(client(fixture.checkout).get("/api/acme/orders/42", TlsClient.bearer(token)),
                "token.audience");
    }

    @Test
    void aTokenWhoseSubjectIsNotThePeerIs401() {
        String token = fixture.token(GatewayFixture.REPORTER).sign();
        assertInvalidToken(client(fixture.checkout).get("/api/acme/orders/42", TlsClient.bearer(token)),
                "binding.subject-mismatch");
    }

    @Test
    void aTokenSignedByAnUnknownKeyIs401() {
        String token = TestTokens.builder(fixture.unknownKey).issuer(GatewayFixture.ISSUER)
                .subject(GatewayFixture.CHECKOUT).audience(GatewayFixture.AUDIENCE).issuedAt(Instant.now())
                .expiresIn(Duration.ofMinutes(5)).sign();
        assertInvalidToken(client(fixture.checkout).get("/api/acme/orders/42", TlsClient.bearer(token)),
                "token.unknown-key");
    }

    @Test
    void aMissingTokenIs401WithABearerChallengeWithoutAnError() {
        TlsClient.Response r = client(fixture.checkout).get("/api/acme/orders/42", Map.of());
        assertThat(r.status()).isEqualTo(401);
        // RFC 6750 3.1: a request without any authentication information gets no error code.
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"tollgate\"");
        assertThat(r.body()).contains("\"code\":\"token.missing\"");
    }

    @Test
    void aPolicyDenyIs403ProblemJsonWithTheDecisionId() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        TlsClient.Response r = client(fixture.checkout).send("DELETE", "/api/acme/orders/42",
                TlsClient.bearer(token));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"code\":\"policy.denied\"").doesNotContain("no-deletes");
        String decisionId = r.problemDecisionId();
        DecisionEvent event = decisions.await(decisionId);
        assertThat(event.effect()).isEqualTo("DENY");
        assertThat(event.decidingRules()).as("forbid overrides permit").containsExactly("no-deletes");
    }

    @Test
    void aPathTheTenantsPolicyDoesNotMentionIsDeniedByDefault() {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        TlsClient.Response r = client(fixture.checkout).get("/api/acme/admin", TlsClient.bearer(token));
        assertThat(r.status()).isEqualTo(403);
        String decisionId = r.problemDecisionId();
        assertThat(decisions.await(decisionId).decidingRules()).isEmpty();
    }

    @Test
    void aTenantMismatchIs403BeforePolicy() {
        String token = fixture.token(GatewayFixture.INVOICER).sign();
        TlsClient.Response r = client(fixture.invoicer).get("/api/acme/orders/42", TlsClient.bearer(token));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("\"code\":\"tenant.mismatch\"");
    }

    @Test
    void aRouteWithoutTheTollgateFilterIsRefusedUnlessMarkedPublic() {
        TlsClient client = client(fixture.checkout);
        TlsClient.Response forgotten = client.get("/forgotten/x", Map.of());
        assertThat(forgotten.status()).isEqualTo(403);
        assertThat(forgotten.body()).contains("route.unprotected");
        TlsClient.Response open = client.get("/public/x", Map.of("X-Tollgate-Principal", "forged"));
        assertThat(open.status()).isEqualTo(200);
        fixture.upstream.verify(getRequestedFor(urlEqualTo("/public/x")).withHeader("X-Tollgate-Principal", absent()));
    }

    /** gRPC over the gateway needs {@code te: trailers} upstream (RFC 9113 8.2.2); nothing else gets it. */
    @Test
    void aGrpcRequestReachesItsUpstreamWithTeTrailersAndNoOtherRequestDoes() {
        TlsClient client = client(fixture.checkout);
        assertThat(client.send("POST", "/public/grpc", Map.of("Content-Type", "application/grpc+proto"), "x").status())
                .isEqualTo(200);
        assertThat(client.send("POST", "/public/json", Map.of("Content-Type", "application/json", "TE", "trailers"),
                "{}").status()).isEqualTo(200);
        fixture.upstream.verify(postRequestedFor(urlEqualTo("/public/grpc")).withHeader("te", WireMock.equalTo("trailers"))
                .withHeader("Content-Type", WireMock.equalTo("application/grpc+proto")));
        fixture.upstream.verify(postRequestedFor(urlEqualTo("/public/json")).withHeader("te", absent()));
        assertThat(routing.getHeadersFilters()).as("the routing filter uses Tollgate's copy-free gRPC filter")
                .noneMatch(f -> f instanceof org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter)
                .anyMatch(f -> f.getClass().getSimpleName().equals("GrpcRequestHeaders"));
    }

    @org.springframework.beans.factory.annotation.Autowired
    private dev.tollgate.gateway.upstream.UpstreamRoutingFilter routing;

    private static void assertInvalidToken(TlsClient.Response r, String code) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer ").contains("error=\"invalid_token\"");
        assertThat(r.body()).contains("\"code\":\"" + code + "\"");
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    }
}
