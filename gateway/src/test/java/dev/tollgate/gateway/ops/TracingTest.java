package dev.tollgate.gateway.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.TlsClient;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Issue 14, item 5: with tracing on, every decision's phases are spans under the request's server span — decision
 * id, tenant, route and effect as attributes — exported over OTLP/HTTP to a receiver here (the real exporter, the
 * real protocol, decoded with OpenTelemetry's own protobuf classes), and the upstream gets the same trace in its W3C
 * {@code traceparent}.
 */
class TracingTest extends AbstractGatewayTest {

    private static final List<Span> received = new CopyOnWriteArrayList<>();
    private static final DisposableServer collector = HttpServer.create().host("127.0.0.1").port(0)
            .route(r -> r.post("/v1/traces", (req, res) -> req.receive().aggregate().asByteArray()
                    .flatMap(bytes -> {
                        try {
                            ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(bytes);
                            export.getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
                                    .forEach(ss -> received.addAll(ss.getSpansList())));
                        } catch (Exception e) {
                            return res.status(400).send();
                        }
                        return res.status(200).header("content-type", "application/x-protobuf").send();
                    })))
            .bindNow();

    @DynamicPropertySource
    static void tracing(DynamicPropertyRegistry r) {
        registerShared(r);
        r.add("management.tracing.enabled", () -> "true");
        r.add("management.tracing.sampling.probability", () -> "1.0");
        r.add("management.opentelemetry.tracing.export.otlp.endpoint",
                () -> "http://127.0.0.1:" + collector.port() + "/v1/traces");
        r.add("management.opentelemetry.tracing.export.schedule-delay", () -> "100ms");
    }

    @AfterAll
    static void stopCollector() {
        collector.disposeNow();
    }

    private static Map<String, String> attributes(Span s) {
        return s.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey,
                kv -> kv.getValue().getStringValue(), (a, b) -> a));
    }

    private static List<Span> awaitSpans(String decisionId, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            List<Span> mine = received.stream()
                    .filter(s -> decisionId.equals(attributes(s).get("tollgate.decision_id"))).toList();
            if (mine.size() >= count) {
                return mine;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("spans of decision " + decisionId + " not exported; got " + received.size());
    }

    @Test
    void anAllowedRequestsPhasesAreSpansOfItsTraceAndTheUpstreamContinuesIt() {
        String path = "/api/acme/orders/trace-" + UUID.randomUUID();
        TlsClient.Response r = client(fixture.checkout).get(path,
                Map.of("Authorization", "Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign()));
        assertThat(r.status()).isEqualTo(200);
        String traceparent = fixture.upstream.findAll(getRequestedFor(urlEqualTo(path))).get(0)
                .getHeader("traceparent");
        assertThat(traceparent).as("W3C trace context sent upstream").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        String traceId = traceparent.split("-")[1];
        String decisionId = r.header("X-Tollgate-Decision-Id") != null ? r.header("X-Tollgate-Decision-Id")
                : decisions.awaitMatching(e -> path.equals(e.path())).decisionId();
        List<Span> spans = awaitSpans(decisionId, 3);
        assertThat(spans).extracting(Span::getName).containsExactlyInAnyOrder("tollgate.authenticate",
                "tollgate.authorize", "tollgate.upstream");
        for (Span s : spans) {
            assertThat(HexFormat.of().formatHex(s.getTraceId().toByteArray())).isEqualTo(traceId);
            assertThat(s.getParentSpanId().isEmpty()).as("a child of the server span").isFalse();
            assertThat(s.getEndTimeUnixNano()).isGreaterThanOrEqualTo(s.getStartTimeUnixNano());
            assertThat(attributes(s)).containsEntry("tollgate.tenant", "acme").containsEntry("tollgate.route",
                    "acme-api").containsEntry("tollgate.effect", "ALLOW").containsEntry("tollgate.reason",
                    "policy.permit");
        }
        // The server span they hang from ends when the response does, and is exported in a later batch.
        var parent = spans.get(0).getParentSpanId();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (received.stream().noneMatch(s -> s.getSpanId().equals(parent)) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(received).as("the server span they hang from is exported too")
                .anySatisfy(s -> assertThat(s.getSpanId()).isEqualTo(parent));
    }

    @Test
    void aDeniedRequestHasItsDecisionSpansAndNoUpstreamSpan() {
        String path = "/api/acme/orders/trace-" + UUID.randomUUID();
        TlsClient.Response r = client(fixture.checkout).send("PATCH", path,
                Map.of("Authorization", "Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign()));
        assertThat(r.status()).isEqualTo(403);
        String decisionId = r.body().replaceAll(".*\"decision_id\":\"([^\"]+)\".*", "$1");
        List<Span> spans = awaitSpans(decisionId, 2);
        assertThat(spans).extracting(Span::getName).containsExactlyInAnyOrder("tollgate.authenticate",
                "tollgate.authorize");
        assertThat(spans).allSatisfy(s -> assertThat(attributes(s)).containsEntry("tollgate.effect", "DENY")
                .containsEntry("tollgate.reason", "policy.denied"));
    }
}
