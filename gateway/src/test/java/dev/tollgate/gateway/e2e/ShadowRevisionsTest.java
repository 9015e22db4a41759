package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 16, item 3: a candidate revision shadows the active one on live traffic with no effect on any answer; each
 * disagreement is a decision-log line and a metric; the candidate is activated, and rolled back, through the admin API,
 * which Tollgate's own policy authorizes.
 */
class ShadowRevisionsTest extends GatewayTestBase {

    private static final String JSON = "application/json";

    @Autowired
    AdminServer admin;

    @Autowired
    MeterRegistry meters;

    @TempDir
    Path candidate;

    private TlsClient.Response adminCall(String method, String path, String body) {
        return new TlsClient(admin.port(), fixture.operator).send(method, path, Map.of("content-type", JSON), body);
    }

    /** The fixture's policies with one change: checkout may no longer read orders. */
    private void writeCandidate() throws IOException {
        GatewayFixture.copyTree(fixture.path("policies"), candidate);
        Path orders = candidate.resolve("acme/orders.yaml");
        String text = Files.readString(orders);
        assertThat(text).contains("id: checkout-reads-orders");
        Files.writeString(orders, text.replace("  - id: checkout-reads-orders\n",
                "  - id: checkout-reads-orders\n    when: \"false\"\n"));
    }

    private TlsClient.Response readOrder() {
        return client(fixture.checkout).get("/api/acme/orders/77", TlsClient.bearer(
                fixture.token(GatewayFixture.CHECKOUT).sign()));
    }

    @Test
    void aShadowedCandidateReportsWhatItWouldDenyThenIsActivatedAndRolledBack() throws IOException {
        writeCandidate();
        TlsClient.Response shadowing = adminCall("POST", "/policies/shadow", "{\"directory\":\"" + candidate + "\"}");
        assertThat(shadowing.status()).as(shadowing.body()).isEqualTo(200);
        assertThat(shadowing.body()).contains("\"shadowing\":true");
        try {
            TlsClient.Response r = readOrder();
            assertThat(r.status()).as("the shadow has no effect").isEqualTo(200);
            DecisionEvent disagreement = decisions.awaitMatching(e -> "shadow.would-deny".equals(e.reason()));
            assertThat(disagreement.effect()).isEqualTo("DENY");
            assertThat(disagreement.path()).isEqualTo("/api/acme/orders/77");
            assertThat(disagreement.errors()).singleElement().asString().startsWith("active: ALLOW by [checkout-reads-orders]");
            assertThat(meters.counter("tollgate.shadow.disagreements", "tenant", "acme", "candidate", "DENY").count())
                    .isPositive();
            assertThat(adminCall("GET", "/policies/shadow", null).body()).contains("\"disagreements\":");

            TlsClient.Response activated = adminCall("POST", "/policies/activate", "");
            assertThat(activated.status()).as(activated.body()).isEqualTo(200);
            assertThat(activated.body()).contains(candidate.toString());
            assertThat(readOrder().status()).as("the candidate now decides").isEqualTo(403);
            assertThat(adminCall("GET", "/policies/shadow", null).body()).contains("\"shadowing\":false");
        } finally {
            adminCall("DELETE", "/policies/shadow", null);
            TlsClient.Response back = adminCall("POST", "/policies/rollback", "");
            assertThat(back.status()).as(back.body()).isEqualTo(200);
        }
        assertThat(readOrder().status()).as("rolled back").isEqualTo(200);
    }

    @Test
    void aCandidateThatDoesNotLoadIsRefusedWithItsReasonAndNothingChanges() throws IOException {
        Files.createDirectories(candidate.resolve("acme"));
        Files.writeString(candidate.resolve("acme/tenant.yaml"), "tenant: acme\ntrust-domain: [acme.test]\n");
        TlsClient.Response r = adminCall("POST", "/policies/shadow", "{\"directory\":\"" + candidate + "\"}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).contains("tenant.yaml");
        assertThat(adminCall("POST", "/policies/activate", "{\"directory\":\"" + candidate + "\"}").status())
                .isEqualTo(422);
        assertThat(adminCall("POST", "/policies/shadow", "{\"directory\":\"/no/such/dir\"}").status()).isEqualTo(400);
        assertThat(readOrder().status()).isEqualTo(200);
    }

    @Test
    void onlyWhomTheAdminPolicyAllowsMayShadowOrActivate() {
        for (String path : new String[] {"/policies/shadow", "/policies/activate", "/policies/rollback"}) {
            TlsClient.Response r = new TlsClient(admin.port(), fixture.viewer).send("POST", path,
                    Map.of("content-type", JSON), "{\"directory\":\"/tmp\"}");
            assertThat(r.status()).as(path).isEqualTo(403);
        }
    }

    /** Issue 16, item 2: the fleet view on the admin API (one instance here; FleetRegistryTest has several). */
    @Test
    void theFleetViewShowsThisInstancesRevisions() {
        TlsClient.Response r = adminCall("GET", "/fleet", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"converged\":true").contains("\"acme\":");
        assertThat(new TlsClient(admin.port(), fixture.viewer).get("/fleet", Map.of()).status()).isEqualTo(403);
    }
}
