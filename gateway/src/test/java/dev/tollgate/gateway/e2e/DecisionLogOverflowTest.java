package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.decisionlog.DecisionSink;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.TlsClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 12, class 9: {@code decision-log.overflow: refuse} answers 503 on an enforcing route while the log has no room
 * for the request's line, and serves again once it has drained; the refusals are a metric. (Drop mode, the default,
 * is the shared gateway's and DecisionLogTest's.) A gateway of its own, with a two-event log whose writer is held.
 */
class DecisionLogOverflowTest {

    @Test
    void refuseModeAnswers503UntilTheLogDrains() throws Exception {
        GatewayFixture fixture = GatewayFixture.get();
        Map<String, Object> properties = new HashMap<>();
        AbstractGatewayTest.registerShared((name, value) -> properties.put(name, value.get()));
        properties.put("server.port", "0");
        properties.put("tollgate.decision-log.capacity", "2");
        properties.put("tollgate.decision-log.overflow", "refuse");
        properties.put("tollgate.decision-log.path", fixture.path("decisions-overflow.jsonl").toString());
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(TollgateApplication.class)
                .properties(properties).run()) {
            DecisionLog log = gateway.getBean(DecisionLog.class);
            assertThat(log.overflow()).isEqualTo(DecisionLog.Overflow.REFUSE);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            log.addSink(new DecisionSink() {
                @Override
                public void write(DecisionEvent event, byte[] json, int length) {
                    held.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            TlsClient client = new TlsClient(port, fixture.checkout);
            String token = fixture.token(GatewayFixture.CHECKOUT).sign();
            assertThat(client.get("/api/acme/orders/1", TlsClient.bearer(token)).status()).isEqualTo(200);
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(client.get("/api/acme/orders/2", TlsClient.bearer(token)).status()).isEqualTo(200);

            TlsClient.Response refused = client.get("/api/acme/orders/3", TlsClient.bearer(token));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"decision-log.full\"");
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
            double counted = gateway.getBean(MeterRegistry.class).get("tollgate.decision_log.refused")
                    .functionCounter().count();
            assertThat(counted).isEqualTo(1.0);

            release.countDown();
            TlsClient.Response again = TlsClient.eventually(() -> client.get("/api/acme/orders/4",
                    TlsClient.bearer(token)), 200);
            assertThat(again.status()).as("served again once the log has drained").isEqualTo(200);
            assertThat(log.droppedCount()).isZero();
        }
    }

    /**
     * A full disk under overflow: refuse, with the kernel's own ENOSPC (the log's path is a link to /dev/full): the
     * request whose line could not be written yet was served and its line is kept, later requests get 503
     * {@code decision-log.unavailable} and readiness is down, and once the disk is back (a real file at the path) the
     * kept line is written and requests are served again. Before, the writer warned once per event and lost the line,
     * or died on the failed flush, leaving every later request refused for good.
     */
    @Test
    void refuseModeAnswers503WhileTheDiskIsFullAndLosesNoLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isWritable(java.nio.file.Path.of("/dev/full")),
                "no /dev/full here");
        GatewayFixture fixture = GatewayFixture.get();
        java.nio.file.Path file = fixture.path("decisions-full-disk.jsonl");
        java.nio.file.Files.deleteIfExists(file);
        java.nio.file.Files.createSymbolicLink(file, java.nio.file.Path.of("/dev/full"));
        Map<String, Object> properties = new HashMap<>();
        AbstractGatewayTest.registerShared((name, value) -> properties.put(name, value.get()));
        properties.put("server.port", "0");
        properties.put("tollgate.decision-log.overflow", "refuse");
        properties.put("tollgate.decision-log.path", file.toString());
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(TollgateApplication.class)
                .properties(properties).run()) {
            DecisionLog log = gateway.getBean(DecisionLog.class);
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            TlsClient client = new TlsClient(port, fixture.checkout);
            String token = fixture.token(GatewayFixture.CHECKOUT).sign();
            TlsClient.Response served = client.get("/api/acme/orders/1", TlsClient.bearer(token));
            assertThat(served.status()).isEqualTo(200);
            dev.tollgate.gateway.testsupport.Conditions.await(log::failing);

            TlsClient.Response refused = client.get("/api/acme/orders/2", TlsClient.bearer(token));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"decision-log.unavailable\"");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
            org.springframework.boot.health.contributor.Health health = gateway
                    .getBean(dev.tollgate.gateway.ops.DependenciesHealthIndicator.class).health();
            assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
            assertThat(health.getDetails()).containsEntry("decisionLog", "failing");
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            assertThat(meters.get("tollgate.decision_log.failing").gauge().value()).isEqualTo(1.0);

            java.nio.file.Files.delete(file); // the disk is back: the path is a real file again
            TlsClient.Response again = TlsClient.eventually(() -> client.get("/api/acme/orders/3",
                    TlsClient.bearer(token)), 200);
            assertThat(meters.get("tollgate.decision_log.failing").gauge().value()).isZero();
            assertThat(log.failedCount()).as("refuse mode loses no line").isZero();
            // The line of the request served while the disk was full, kept and written once it could be.
            dev.tollgate.gateway.testsupport.Conditions.await(() -> {
                try {
                    return java.nio.file.Files.readString(file).contains("\"path\":\"/api/acme/orders/1\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(again.status()).isEqualTo(200);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
