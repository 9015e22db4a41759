package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.bundle.PolicyBundle;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.AdminClient;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.RedisCluster;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TestRedis;
import dev.tollgate.gateway.testsupport.TlsClient;
import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Issue 16, item 5: three gateway instances on one Redis Cluster (3 masters, 3 replicas, real servers), following
 * one signed policy bundle. A revocation made through any instance is enforced by every other; a DPoP proof is
 * accepted by one instance only; a newly published bundle is running everywhere and the fleet view says so. The
 * figures are printed: revocation visible on every instance (p50/p99), bundle convergence after publishing.
 */
class FleetOfThreeTest {

    private static final GatewayFixture fixture = GatewayFixture.get();

    @TempDir
    Path dir;

    private final AtomicReference<byte[]> published = new AtomicReference<>();

    private record Instance(ConfigurableApplicationContext context, TlsClient client, AdminClient admin) {
        PolicyEngine engine() {
            return context.getBean(PolicyEngine.class);
        }
    }

    @Test
    void revocationReplayAndPolicyConvergeAcrossThreeInstancesOnOneRedisCluster() throws Exception {
        ECKey signing = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        Files.writeString(dir.resolve("keys.jwks"), new JWKSet(signing.toPublicJWK()).toString());
        Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("bundle server CA"));
        Certificates.writePem(dir.resolve("bundle-ca.pem"), ca.certificate());
        Certificates.Issued server = Certificates.issue(ca, Certificates.server("localhost"));
        var tls = io.netty.handler.ssl.SslContextBuilder.forServer(server.key(), server.certificate()).build();
        published.set(PolicyBundle.build(fixture.path("policies"), signing, "v1"));
        DisposableServer bundles = HttpServer.create().host("127.0.0.1").port(0).secure(s -> s.sslContext(tls))
                .route(r -> r.get("/bundle.zip", (req, res) -> {
                    byte[] body = published.get();
                    String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"";
                    return etag.equals(req.requestHeaders().get("If-None-Match")) ? res.status(304).send()
                            : res.header("ETag", etag).sendByteArray(Mono.just(body)).then();
                }))
                .bindNow();
        List<Instance> fleet = new ArrayList<>();
        try (RedisCluster cluster = new RedisCluster().start()) {
            String prefix = TestRedis.uniquePrefix();
            for (int i = 0; i < 3; i++) {
                Map<String, Object> p = new HashMap<>();
                AbstractGatewayTest.registerShared((name, value) -> p.put(name, value.get()));
                p.put("server.port", "0");
                p.put("tollgate.redis.uri", cluster.uri());
                p.put("tollgate.redis.key-prefix", prefix);
                p.put("tollgate.policies.watch", "false");
                p.put("tollgate.policies.bundle.url", "https://localhost:" + bundles.port() + "/bundle.zip");
                p.put("tollgate.policies.bundle.verification-keys", dir.resolve("keys.jwks").toString());
                p.put("tollgate.policies.bundle.ca-file", dir.resolve("bundle-ca.pem").toString());
                p.put("tollgate.policies.bundle.poll-interval", "1s");
                p.put("tollgate.policies.bundle.cache-directory", dir.resolve("cache-" + i).toString());
                // As arguments, not default properties: those rank below application.yml (server.port: 8443).
                ConfigurableApplicationContext c = new SpringApplicationBuilder(TollgateApplication.class)
                        .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                                .toArray(String[]::new));
                int port = ((WebServerApplicationContext) c).getWebServer().getPort();
                fleet.add(new Instance(c, new TlsClient(port, fixture.checkout),
                        new AdminClient(c.getBean(AdminServer.class).port(), fixture.operator)));
            }

            // Revocation: made through one instance, enforced by the other two. Measured per instance.
            List<Long> visibleMillis = new ArrayList<>();
            for (int round = 0; round < 12; round++) {
                String jti = UUID.randomUUID().toString();
                String token = fixture.token(GatewayFixture.CHECKOUT).claim("jti", jti).sign();
                String path = "/api/acme/orders/" + (9000 + round);
                for (Instance i : fleet) {
                    assertThat(i.client().get(path, TlsClient.bearer(token)).status()).isEqualTo(200);
                }
                Instance by = fleet.get(round % 3);
                assertThat(by.admin().revoke("jti", jti).status()).isEqualTo(201);
                long revoked = System.nanoTime();
                for (Instance i : fleet) {
                    if (i == by) {
                        assertThat(i.client().get(path, TlsClient.bearer(token)).status()).isEqualTo(403);
                        continue;
                    }
                    TlsClient.eventually(() -> i.client().get(path, TlsClient.bearer(token)), 403);
                    visibleMillis.add(Duration.ofNanos(System.nanoTime() - revoked).toMillis());
                }
            }
            visibleMillis.sort(Long::compare);
            System.out.printf("revocation visible on the other instances: p50 %d ms, p99 %d ms (n=%d)%n",
                    visibleMillis.get(visibleMillis.size() / 2),
                    visibleMillis.get((int) Math.ceil(visibleMillis.size() * 0.99) - 1), visibleMillis.size());

            // DPoP: one proof, three instances, accepted once.
            ECKey dpop = TestProofs.newEcKey();
            String bound = fixture.token(GatewayFixture.CHECKOUT).confirmation(TestProofs.cnf(dpop)).sign();
            String path = "/dpop/acme/required/orders/5";
            String proof = TestProofs.es256(dpop).request("GET", AbstractGatewayTest.DPOP_ORIGIN + path, bound).sign();
            int accepted = 0;
            for (Instance i : fleet) {
                TlsClient.Response r = i.client().send("GET", path, TlsClient.dpop(bound, proof));
                if (r.status() == 200) {
                    accepted++;
                } else {
                    assertThat(r.body()).contains("dpop.replay");
                }
            }
            assertThat(accepted).isEqualTo(1);

            // Policy: every instance runs v1; a new bundle is published and runs everywhere.
            Revision v1 = fleet.get(0).engine().revision("acme").orElseThrow();
            for (Instance i : fleet) {
                assertThat(i.engine().revision("acme")).contains(v1);
            }
            Path next = dir.resolve("policies-v2");
            GatewayFixture.copyTree(fixture.path("policies"), next);
            Files.writeString(next.resolve("acme/tenant.yaml"), Files.readString(next.resolve("acme/tenant.yaml"))
                    + "label: v2\n");
            published.set(PolicyBundle.build(next, signing, "v2"));
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(15).toNanos();
            while (fleet.stream().anyMatch(i -> i.engine().revision("acme").orElseThrow().equals(v1))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            System.out.printf("bundle running on all three instances %d ms after publishing (poll interval 1 s)%n",
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            Revision v2 = fleet.get(0).engine().revision("acme").orElseThrow();
            assertThat(v2).isNotEqualTo(v1);
            for (Instance i : fleet) {
                assertThat(i.engine().revision("acme")).contains(v2);
            }
            TlsClient.Response view = fleet.get(1).admin().get("/fleet");
            TlsClient.Response settled = TlsClient.eventually(() -> {
                TlsClient.Response v = fleet.get(1).admin().get("/fleet");
                return v.body().contains("\"converged\":true") && v.body().split("\"id\"").length == 4
                        ? v : new TlsClient.Response(0, v.headers(), v.body());
            }, 200);
            assertThat(settled.body()).contains(v2.toString());
            assertThat(view.status()).isEqualTo(200);
        } finally {
            fleet.forEach(i -> i.context().close());
            bundles.disposeNow();
        }
    }
}
