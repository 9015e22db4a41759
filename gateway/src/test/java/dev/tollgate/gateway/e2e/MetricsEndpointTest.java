package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * Issue 14, item 4: {@code /actuator/prometheus} on the management port carries what an operator watches — decisions
 * by route, effect and reason; per-phase latency histograms; cache hit counts; decision sources; dependency calls and
 * breaker states; the revocation view's age; decision-log drops and refusals.
 */
class MetricsEndpointTest extends GatewayTestBase {

    @LocalManagementPort
    int managementPort;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    /** Tracing off (the default) means no OpenTelemetry SDK: its span and log processors cost CPU per request. */
    @Test
    void withTracingOffThereIsNoTracerProvider() {
        assertThat(context.getBeanNamesForType(io.opentelemetry.sdk.trace.SdkTracerProvider.class)).isEmpty();
        assertThat(context.getBeanNamesForType(io.opentelemetry.sdk.logs.SdkLoggerProvider.class)).isEmpty();
    }

    @Test
    void thePrometheusEndpointCarriesTheOperatorsMetrics() throws Exception {
        TlsClient client = client(fixture.checkout);
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThat(client.get("/api/acme/orders/7", TlsClient.bearer(token)).status()).isEqualTo(200);
        assertThat(client.get("/api/acme/orders/7", TlsClient.bearer(token)).status()).isEqualTo(200);
        assertThat(client.send("DELETE", "/api/acme/orders/7", TlsClient.bearer(token)).status()).isEqualTo(403);
        client.get("/public/health", java.util.Map.of()); // a tollgate-public route: its upstream time is reported like an enforced one's

        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        String body = scrape.body();
        assertThat(body)
                .contains("tollgate_decisions_total{degraded=\"false\",effect=\"ALLOW\",reason=\"policy.permit\","
                        + "route=\"acme-api\"}")
                .contains("reason=\"policy.denied\"")
                .contains("tollgate_phase_duration_seconds_bucket{phase=\"authenticate\",route=\"acme-api\"")
                .contains("tollgate_phase_duration_seconds_bucket{phase=\"authorize\",route=\"acme-api\"")
                .contains("tollgate_phase_duration_seconds_bucket{phase=\"upstream\",route=\"acme-api\"")
                .contains("cache_gets_total{cache=\"tollgate.tokens\",result=\"hit\"")
                .contains("cache_gets_total{cache=\"tollgate.decisions.l1\"")
                .contains("tollgate_decision_source_total{source=")
                .contains("tollgate_dependency_calls_total{dependency=")
                .contains("tollgate_dependency_state{dependency=")
                .contains("tollgate_revocations_stale_milliseconds")
                .contains("tollgate_decision_log_dropped_total")
                .contains("tollgate_decision_log_refused_total")
                .contains("tollgate_decision_log_free")
                .contains("tollgate_decision_log_failed_total")
                .contains("tollgate_decision_log_failing 0.0")
                .contains("tollgate_policy_tenants")
                .containsPattern("tollgate_policy_revision\\{revision=\"[0-9a-f]+[^\"]*\",tenant=\"acme\"} 1");
        assertThat(body).contains("tollgate_phase_duration_seconds_bucket{phase=\"upstream\",route=\"public\"")
                // Spring Cloud Gateway's own request timer is off: it duplicated the phase timers at a cost per request.
                .doesNotContain("spring_cloud_gateway_requests")
                // Nor are Logback's event counters, whose turbo filter ran on every logger check.
                .doesNotContain("logback_events");
        // The shipped Grafana dashboard queries only metrics this endpoint exposes (a renamed meter breaks a panel).
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of(
                "../docker/grafana/tollgate-dashboard.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((?:tollgate|cache)_[a-z_]+?)(?:_bucket)?\\b")
                .matcher(dashboard);
        java.util.Set<String> queried = new java.util.TreeSet<>();
        while (m.find()) {
            queried.add(m.group(1));
        }
        assertThat(queried).hasSizeGreaterThan(8);
        for (String metric : queried) {
            assertThat(body).as("dashboard metric %s", metric).containsPattern("(?m)^" + metric + "(_bucket)?[{ ]");
        }
    }
}
