package dev.tollgate.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, class 9: every request that reaches a route leaves exactly one decision-log line, and an allowed
 * request's line carries the status the caller got from the upstream, not a 200 written before the upstream answered.
 */
class EvidenceTest extends GatewayTestBase {

    @Test
    void anUnprotectedRouteAndAPublicRouteEachLeaveOneLine() {
        TlsClient client = client(fixture.checkout);
        TlsClient.Response forgotten = client.get("/forgotten/x", Map.of());
        assertThat(forgotten.status()).isEqualTo(403);
        String id = forgotten.problemDecisionId();
        DecisionEvent refused = decisions.await(id);
        assertThat(refused.reason()).isEqualTo("route.unprotected");
        assertThat(refused.effect()).isEqualTo("DENY");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.route()).isEqualTo("forgotten");
        assertThat(decisions.count(id)).isEqualTo(1);

        String path = "/public/" + UUID.randomUUID();
        fixture.upstream.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(404)));
        assertThat(client.get(path, Map.of()).status()).isEqualTo(404);
        DecisionEvent open = decisions.awaitPath(path);
        assertThat(open.reason()).isEqualTo("route.public");
        assertThat(open.status()).as("the upstream's status").isEqualTo(404);
        assertThat(decisions.count(open.decisionId())).isEqualTo(1);
    }

    @Test
    void anAllowedRequestsLineCarriesTheUpstreamsFinalStatus() {
        TlsClient client = client(fixture.checkout);
        for (int status : new int[] {200, 201, 204, 404, 409, 500, 503}) {
            String path = "/api/acme/orders/evidence-" + status + "-" + UUID.randomUUID();
            fixture.upstream.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
            TlsClient.Response r = client.get(path, TlsClient.bearer(fixture.token(GatewayFixture.CHECKOUT).sign()));
            assertThat(r.status()).isEqualTo(status);
            DecisionEvent allowed = decisions.awaitPath(path);
            assertThat(allowed.effect()).isEqualTo("ALLOW");
            assertThat(allowed.reason()).isEqualTo("policy.permit");
            assertThat(allowed.status()).as("logged status for an upstream %s", status).isEqualTo(status);
            assertThat(decisions.count(allowed.decisionId())).isEqualTo(1);
        }
    }
}
