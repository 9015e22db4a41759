package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.TlsClient;
import dev.tollgate.gateway.testsupport.WorkloadApiAgent;
import dev.tollgate.gateway.upstream.WorkloadApiSvids;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 16, item 4: the gateway's upstream SVID from the SPIFFE Workload API instead of files. A real gRPC Workload
 * API server on a Unix domain socket (the API's own service definition) streams the SVIDs; the pinned upstream, a
 * TLS server that requires a client certificate, answers with the certificate it saw.
 */
class WorkloadApiUpstreamTest {

    private static final GatewayFixture fixture = GatewayFixture.get();

    @TempDir
    Path dir;

    @Test
    void theUpstreamSeesTheSvidTheAgentStreamsAndEachRotationWithoutARestart() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (WorkloadApiAgent agent = new WorkloadApiAgent(socket, GatewayFixture.GATEWAY_SVID,
                fixture.opsCa.certificate())) {
            Certificates.Issued first = agent.publish(fixture.opsCa);
            try (ConfigurableApplicationContext gateway = start("unix:" + socket, "10s")) {
                TlsClient client = new TlsClient(((WebServerApplicationContext) gateway).getWebServer().getPort(),
                        fixture.checkout);
                TlsClient.Response r = client.get("/upstream/acme/backend/orders/1", Map.of());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(GatewayFixture.GATEWAY_SVID + " "
                        + first.certificate().getSerialNumber());

                // The agent rotates: the next new connection presents the new SVID (the upstream closes each one).
                BigInteger rotated = agent.publish(fixture.opsCa).certificate().getSerialNumber();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                String seen = r.body();
                while (!seen.endsWith(" " + rotated) && System.nanoTime() < deadline) {
                    seen = client.get("/upstream/acme/backend/orders/1", Map.of()).body();
                }
                assertThat(seen).as("the upstream saw the rotated SVID")
                        .isEqualTo(GatewayFixture.GATEWAY_SVID + " " + rotated);
            }
        }
    }

    /** The upstreamTls bean connects at start-up: a gateway that gets no SVID does not start. */
    @Test
    void noSvidFromTheWorkloadApiWithinTheTimeoutIsARefusalToStart() {
        assertThatThrownBy(() -> WorkloadApiSvids.connect("unix:" + dir.resolve("no-agent.sock"),
                Duration.ofSeconds(1))).hasMessageContaining("gave the gateway no X.509-SVID");
    }

    /** A gateway with the shared test configuration, its upstream SVID from the Workload API instead of files. */
    private static ConfigurableApplicationContext start(String socket, String timeout) {
        Map<String, Object> p = new HashMap<>();
        AbstractGatewayTest.registerShared((name, value) -> p.put(name, value.get()));
        p.remove("tollgate.upstream-tls.certificate");
        p.remove("tollgate.upstream-tls.private-key");
        p.put("tollgate.upstream-tls.workload-api.socket", socket);
        p.put("tollgate.upstream-tls.workload-api.timeout", timeout);
        p.put("server.port", "0");
        p.put("tollgate.policies.watch", "false");
        // As arguments, not default properties: those rank below application.yml (server.port: 8443).
        return new SpringApplicationBuilder(TollgateApplication.class)
                .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }
}
