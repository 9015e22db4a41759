package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 13, items 4 and 5: the AuthZEN Authorization API 1.0 (OpenID, 2025) as its sections state it — request
 * shapes (§5), the evaluation (§6) and evaluations (§7) responses, batch semantics (§7.1.2), request ids (§10.1.3),
 * metadata (§9) — and one decision-log line per evaluation. The defaults used below permit (acme's checkout may GET
 * orders), so a malformed item that slipped through as "the defaults" would show as {@code true}.
 */
class AuthZenConformanceTest extends GatewayTestBase {

    @Autowired
    AdminServer admin;

    static final String SUBJECT = "{\"type\": \"workload\", \"id\": \"" + GatewayFixture.CHECKOUT + "\"}";
    static final String PERMITTED = "{\"type\": \"http\", \"id\": \"/api/acme/orders/42\"}";

    private TlsClient.Response send(String method, String path, String body, Map<String, String> extra) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("content-type", "application/json"));
        headers.putAll(extra);
        return new TlsClient(admin.port(), fixture.operator).send(method, path, headers, body);
    }

    private TlsClient.Response post(String path, String body) {
        return send("POST", path, body, Map.of());
    }

    @Test
    void aMalformedBatchItemIsNeverAPermit() {
        for (String item : List.of("42", "null", "\"x\"", "[]", "true", "{\"subject\": 5}", "{\"subject\": null}",
                "{\"action\": \"GET\"}", "{\"resource\": []}", "{\"context\": 5}", "{\"subject\": {\"id\": 7}}",
                "{\"subject\": {\"type\": \"workload\", \"id\": \"\"}}",
                "{\"subject\": {\"type\": \"workload\", \"id\": \"" + GatewayFixture.CHECKOUT
                        + "\", \"properties\": 3}}",
                "{\"context\": {\"time\": \"yesterday\"}}")) {
            TlsClient.Response r = post("/access/v1/evaluations", """
                    {"subject": %s, "action": {"name": "GET"}, "resource": %s,
                     "evaluations": [{}, %s]}
                    """.formatted(SUBJECT, PERMITTED, item));
            assertThat(r.status()).as(item).isEqualTo(200);
            assertThat(r.body()).as(item).isEqualTo("{\"evaluations\":[{\"decision\":true},{\"decision\":false}]}");
        }
    }

    @Test
    void aSingleEvaluationMissingARequiredMemberIs400() {
        String full = "{\"subject\": %s, \"action\": {\"name\": \"GET\"}, \"resource\": %s}";
        List<String> broken = List.of(
                full.formatted("{\"id\": \"" + GatewayFixture.CHECKOUT + "\"}", PERMITTED),
                full.formatted("{\"type\": \"workload\"}", PERMITTED),
                full.formatted(SUBJECT, "{\"id\": \"/api/acme/orders/42\"}"),
                full.formatted(SUBJECT, "{\"type\": \"http\"}"),
                "{\"subject\": " + SUBJECT + ", \"action\": {}, \"resource\": " + PERMITTED + "}",
                "{\"subject\": " + SUBJECT + ", \"resource\": " + PERMITTED + "}",
                "{\"subject\": " + SUBJECT + ", \"action\": {\"name\": \"GET\"}, \"resource\": " + PERMITTED
                        + ", \"context\": 5}",
                "{\"subject\": " + SUBJECT + ", \"action\": {\"name\": \"GET\"}, \"resource\": " + PERMITTED
                        + ", \"context\": {\"time\": \"not a time\"}}",
                "{\"subject\": {\"type\": \"workload\", \"id\": \"" + GatewayFixture.CHECKOUT
                        + "\", \"properties\": {\"claims\": [1]}}, \"action\": {\"name\": \"GET\"}, \"resource\": "
                        + PERMITTED + "}");
        for (String body : broken) {
            TlsClient.Response r = post("/access/v1/evaluation", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).contains("admin.bad-request").doesNotContain("\"decision\"");
        }
    }

    @Test
    void theSpecificationsOwnTimeFormatParses() {
        TlsClient.Response r = post("/access/v1/evaluation", """
                {"subject": %s, "action": {"name": "GET"}, "resource": %s,
                 "context": {"time": "1985-10-26T01:22-07:00"}}
                """.formatted(SUBJECT, PERMITTED));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"decision\":true").doesNotContain("null");
    }

    @Test
    void batchSemanticsStopWhereTheyShould() {
        String items = "[{\"action\": {\"name\": \"GET\"}}, {\"action\": {\"name\": \"DELETE\"}},"
                + " {\"action\": {\"name\": \"GET\"}}, {\"action\": {\"name\": \"DELETE\"}}]";
        Map<String, String> expected = Map.of(
                "execute_all", "[{\"decision\":true},{\"decision\":false},{\"decision\":true},{\"decision\":false}]",
                "deny_on_first_deny", "[{\"decision\":true},{\"decision\":false}]",
                "permit_on_first_permit", "[{\"decision\":true}]");
        expected.forEach((semantic, evaluations) -> {
            TlsClient.Response r = post("/access/v1/evaluations", """
                    {"subject": %s, "resource": %s, "options": {"evaluations_semantic": "%s"}, "evaluations": %s}
                    """.formatted(SUBJECT, PERMITTED, semantic, items));
            assertThat(r.body()).as(semantic).isEqualTo("{\"evaluations\":" + evaluations + "}");
        });
        TlsClient.Response unknown = post("/access/v1/evaluations", """
                {"subject": %s, "resource": %s, "options": {"evaluations_semantic": "majority"}, "evaluations": %s}
                """.formatted(SUBJECT, PERMITTED, items));
        assertThat(unknown.status()).isEqualTo(400);
    }

    @Test
    void theRequestIdIsEchoedAndTheMaximumBatchFits() {
        String id = UUID.randomUUID().toString();
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            items.append(i == 0 ? "" : ",").append("{\"resource\": {\"type\": \"http\", \"id\": \"/api/acme/orders/")
                    .append(i).append("\"}, \"action\": {\"name\": \"GET\"}}");
        }
        TlsClient.Response r = send("POST", "/access/v1/evaluations", """
                {"subject": %s, "evaluations": [%s]}
                """.formatted(SUBJECT, items), Map.of("X-Request-ID", id));
        assertThat(r.status()).as("a 200-item batch is within the body limit").isEqualTo(200);
        assertThat(r.header("X-Request-ID")).isEqualTo(id);
        assertThat(r.body().split("\"decision\":true", -1)).hasSize(201);
    }

    @Test
    void metadataNamesTheEndpoints() {
        TlsClient.Response r = send("GET", "/.well-known/authzen-configuration", null, Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"policy_decision_point\":\"https://")
                .contains("\"access_evaluation_endpoint\":\"https://").contains("/access/v1/evaluation\"")
                .contains("/access/v1/evaluations\"");
    }

    @Test
    void everyEvaluationLeavesItsOwnDecisionLogLine() {
        String resource = "/api/acme/orders/evidence-" + UUID.randomUUID();
        String denied = "/api/acme/orders/evidence-deny-" + UUID.randomUUID();
        post("/access/v1/evaluations", """
                {"subject": %s, "action": {"name": "GET"}, "evaluations": [
                  {"resource": {"type": "http", "id": "%s"}},
                  {"resource": {"type": "http", "id": "%s"}, "action": {"name": "DELETE"}}]}
                """.formatted(SUBJECT, resource, denied));
        DecisionEvent allowed = decisions.awaitPath(resource);
        assertThat(allowed.route()).isEqualTo("authzen");
        assertThat(allowed.effect()).isEqualTo("ALLOW");
        assertThat(allowed.principal()).isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(allowed.caller()).as("the PEP that asked").isEqualTo(GatewayFixture.OPERATOR);
        assertThat(allowed.decidingRules()).contains("checkout-reads-orders");
        assertThat(allowed.revision()).isNotNull();
        DecisionEvent deny = decisions.awaitPath(denied);
        assertThat(deny.effect()).isEqualTo("DENY");
        assertThat(deny.method()).isEqualTo("DELETE");
        assertThat(deny.decidingRules()).contains("no-deletes");
    }

    @Test
    void anEnforcementPointAsksOnlyAboutTheTenantsItIsBoundTo() {
        // Issue 13, item 2: the operator's PEP is bound to acme and initech; globex's tenant is not its to ask about,
        // whatever the request claims.
        String globex = "{\"type\": \"workload\", \"id\": \"" + GatewayFixture.INVOICER + "\"}";
        TlsClient.Response single = post("/access/v1/evaluation", """
                {"subject": %s, "action": {"name": "GET"},
                 "resource": {"type": "http", "id": "/api/globex/invoices/1"}}
                """.formatted(globex));
        assertThat(single.status()).isEqualTo(403);
        assertThat(single.body()).contains("authzen.tenant-not-bound").doesNotContain("null");
        TlsClient.Response claimed = post("/access/v1/evaluations", """
                {"subject": %s, "action": {"name": "GET"}, "evaluations": [
                  {"resource": %s},
                  {"resource": {"type": "http", "id": "/api/globex/invoices/1", "properties": {"tenant": "globex"}}}]}
                """.formatted(SUBJECT, PERMITTED));
        assertThat(claimed.body()).isEqualTo("{\"evaluations\":[{\"decision\":true},{\"decision\":false}]}");
    }

    @Test
    void aSubjectTypeMapsToItsTenantWithoutTheRequestNamingOne() {
        TlsClient.Response r = post("/access/v1/evaluation", """
                {"subject": {"type": "user", "id": "alice@acme.example"}, "action": {"name": "GET"},
                 "resource": {"type": "http", "id": "/api/acme/orders/42"}}
                """);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        TlsClient.Response unmapped = post("/access/v1/evaluation", """
                {"subject": {"type": "robot", "id": "r2d2"}, "action": {"name": "GET"},
                 "resource": {"type": "http", "id": "/api/acme/orders/42"}}
                """);
        assertThat(unmapped.status()).isEqualTo(400);
        assertThat(unmapped.body()).contains("names no tenant");
    }
}
