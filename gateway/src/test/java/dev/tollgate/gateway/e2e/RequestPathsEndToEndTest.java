package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A path with two readings never reaches policy or an upstream. The acme policy permits checkout to
 * {@code GET /api/acme/orders/{id}}; each path below matched that permit as a single {@code {id}} (or the permit's
 * segments around an empty one) and was forwarded as sent, to be read by the upstream as another resource:
 * {@code /api/acme/orders/..} as {@code /api/acme/}, {@code %34%32} as {@code 42}, {@code a%2Fb} as two segments, the fullwidth {@code %EF%BC%8E%EF%BC%8E} ({@code ．．}) as {@code ..} by a server
 * that folds to compatibility form or to a Windows code page.
 */
class RequestPathsEndToEndTest extends GatewayTestBase {

    @ParameterizedTest
    @ValueSource(strings = {
        "/api/acme/orders/..",
        "/api/acme/orders/.",
        "/api/acme/orders/%2E%2E",
        "/api/acme/orders/%2e%2e",
        "/api/acme/orders/.%2E",
        "/api/acme/orders/42/../43",
        "/api/acme/orders/./42",
        "/api/acme//orders/42",
        "/api/acme/orders/42;jsessionid=x",
        "/api/acme/orders/%34%32",
        "/api/acme/orders/a%2Fb",
        "/api/acme/orders/a%2fb",
        "/api/acme/orders/a%5Cb",
        "/api/acme/orders/42%00",
        "/api/acme/orders/%252E%252E",
        "/api/acme/orders/caf%c3%a9",
        "/api/acme/orders/%C0%AE%C0%AE",
        "/api/acme/orders/42%3Fadmin=1",
        "/api/acme/orders/caf%C3%A9?filter[status]=open",
        "/api/acme/orders/%EF%BC%8E%EF%BC%8E",
        "/api/acme/orders/%EF%BD%81dmin",
        "/api/acme/orders/a%C2%A5b",
        "/api/acme/orders/..%E2%88%95admin",
        "/public/../api/acme/admin"})
    void aPathWithTwoReadingsIs400BeforeRoutingAndNeverForwarded(String target) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        int served = fixture.upstream.getAllServeEvents().size();

        TlsClient.Response r = client(fixture.checkout).get(target, TlsClient.bearer(token));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"code\":\"request.path\"");
        assertThat(fixture.upstream.getAllServeEvents()).as("nothing reached the upstream").hasSize(served);
        String decisionId = r.problemDecisionId();
        DecisionEvent event = decisions.await(decisionId);
        assertThat(event.effect()).isEqualTo("DENY");
        assertThat(event.status()).isEqualTo(400);
        assertThat(event.reason()).isEqualTo("request.path");
        assertThat(event.path()).isEqualTo(path);
        assertThat(event.errors()).singleElement().asString().startsWith("the request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/acme/orders/42%2", "/api/acme/orders/42%G0", "/api/acme/orders/%"})
    void aMalformedEscapeIs400AndNeverForwarded(String path) {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        int served = fixture.upstream.getAllServeEvents().size();
        assertThat(client(fixture.checkout).get(path, TlsClient.bearer(token)).status()).isEqualTo(400);
        assertThat(fixture.upstream.getAllServeEvents()).as("nothing reached the upstream").hasSize(served);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/acme/orders/caf%C3%A9", "/api/acme/orders/a%20b", "/api/acme/orders/a:b@c!$&'()*+,=",
        "/api/acme/orders/~42_-", "/api/acme/orders/%E2%82%AC/", "/api/acme/orders/42?filter[status]=open",
        "/api/acme/orders/%E4%B8%AD%E6%96%87", "/api/acme/orders/%E4%B8%AD%EF%BC%8C%EF%BC%88%E3%80%80%EF%BC%89",
        "/api/acme/orders/caf%C3%A9?filter%5Bstatus%5D=open"})
    void aPathInNormalFormIsDecidedAndForwardedAsSent(String target) {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        long before = forwarded(target);
        TlsClient.Response r = client(fixture.checkout).get(target, TlsClient.bearer(token));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(forwarded(target)).as("the upstream got %s as sent", target).isEqualTo(before + 1);
    }

    private long forwarded(String target) {
        String encoded = target.replace("[", "%5B").replace("]", "%5D"); // the query as SCG encodes it
        return fixture.upstream.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(target) || e.getRequest().getUrl().equals(encoded))
                .count();
    }
}
