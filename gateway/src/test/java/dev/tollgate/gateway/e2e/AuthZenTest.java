package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The policy engine offered to other enforcement points through the AuthZEN Authorization API 1.0. */
class AuthZenTest extends GatewayTestBase {

    @Autowired
    AdminServer admin;

    private TlsClient.Response post(String path, String body) {
        return new TlsClient(admin.port(), fixture.operator).send("POST", path,
                Map.of("content-type", "application/json"), body);
    }

    @Test
    void anAccessEvaluationAnswersTheSpecificationsShape() {
        TlsClient.Response permit = post("/access/v1/evaluation", """
                {"subject": {"type": "workload", "id": "%s", "properties": {"credentials": ["mtls"]}},
                 "action": {"name": "GET"},
                 "resource": {"type": "http", "id": "/api/acme/orders/42"},
                 "context": {"time": "2026-11-23T10:00:00Z"}}
                """.formatted(GatewayFixture.CHECKOUT));
        assertThat(permit.status()).isEqualTo(200);
        assertThat(permit.body()).contains("\"decision\":true").contains("checkout-reads-orders");

        TlsClient.Response deny = post("/access/v1/evaluation", """
                {"subject": {"type": "workload", "id": "%s"}, "action": {"name": "DELETE"},
                 "resource": {"type": "http", "id": "/api/acme/orders/42"}}
                """.formatted(GatewayFixture.CHECKOUT));
        assertThat(deny.body()).contains("\"decision\":false").contains("no-deletes");
    }

    @Test
    void evaluationsTakeDefaultsAndAnswerInOrder() {
        TlsClient.Response r = post("/access/v1/evaluations", """
                {"subject": {"type": "workload", "id": "%s"},
                 "resource": {"type": "http", "id": "/api/acme/orders/1"},
                 "evaluations": [
                   {"action": {"name": "GET"}},
                   {"action": {"name": "DELETE"}},
                   {"action": {"name": "GET"}, "resource": {"type": "http", "id": "/api/acme/admin"}}
                 ]}
                """.formatted(GatewayFixture.CHECKOUT));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().replaceAll("\"context\":\\{[^}]*\\}\\}", "")).containsSubsequence(
                "\"decision\":true", "\"decision\":false", "\"decision\":false");
    }

    @Test
    void explainShowsWhatDecided() {
        TlsClient.Response r = post("/policies/explain", """
                {"subject": {"type": "workload", "id": "%s"}, "action": {"name": "DELETE"},
                 "resource": {"type": "http", "id": "/api/acme/orders/1"}}
                """.formatted(GatewayFixture.CHECKOUT));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"allowed\":false").contains("\"deciding_rules\":[\"no-deletes\"]")
                .contains("\"revision\"");
    }

    @Test
    void aMalformedRequestIs400() {
        assertThat(post("/access/v1/evaluation", "not json").status()).isEqualTo(400);
        assertThat(post("/policies/explain", "{\"subject\":{}}").status()).isEqualTo(400);
    }

    @Test
    void aSubjectThatIsNotAWorkloadsSpiffeIdIsNeverPermitted() {
        // Issue 12: the same identity rule as for certificates and tokens. acme's policy permits GETs of orders.
        for (String id : java.util.List.of("spiffe://acme.test", "spiffe://acme.test/", "SPIFFE://acme.test/ns/shop/sa/checkout",
                "spiffe://acme.test/ns/../sa/checkout", "spiffe://ACME.test/ns/shop/sa/checkout")) {
            TlsClient.Response r = post("/access/v1/evaluation", """
                    {"subject": {"type": "workload", "id": "%s", "properties": {"tenant": "acme"}},
                     "action": {"name": "GET"},
                     "resource": {"type": "http", "id": "/api/acme/orders/42", "properties": {"tenant": "acme"}}}
                    """.formatted(id));
            assertThat(r.status()).as(id).isEqualTo(400);
            assertThat(r.body()).as(id).contains("not a workload's SPIFFE ID").doesNotContain("\"decision\":true");
        }
    }
}
