package dev.tollgate.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.RedisProcess;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TlsClient;
import com.nimbusds.jose.jwk.ECKey;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Dependencies failing in the middle of traffic: Redis killed and made slow, the JWKS endpoint answering 500 and
 * hanging, the upstream failing. Fail-closed routes refuse, degrade routes do exactly what they declare, nothing the
 * policy denies is ever allowed, every request leaves its decision-log event, and all recovers without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailureModesTest extends AbstractGatewayTest {

    static final RedisProcess redis = new RedisProcess().start();
    static final WireMockServer jwks = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
            .dynamicPort());

    static {
        jwks.start();
        serveKeys();
    }

    static void serveKeys() {
        jwks.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json")
                .withBody(new JWKSet(fixture.issuerKey.toPublicJWK()).toString())));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        register(r, "faults");
        r.add("tollgate.tls.client-auth", () -> "need");
        r.add("tollgate.redis.uri", redis::uri);
        r.add("tollgate.redis.command-timeout", () -> "300ms");
        r.add("tollgate.revocation.poll-interval", () -> "150ms");
        r.add("tollgate.dependencies.instances.redis.time-limit", () -> "300ms");
        r.add("tollgate.dependencies.instances.redis.wait-in-open", () -> "500ms");
        r.add("tollgate.issuers.test.jwks-file", () -> "");
        r.add("tollgate.issuers.test.jwks-uri", () -> "http://127.0.0.1:" + jwks.port() + "/jwks");
        r.add("tollgate.issuers.test.refresh-interval", () -> "200ms");
        r.add("tollgate.dependencies.instances.[issuer:test].time-limit", () -> "300ms");
        String routes = "spring.cloud.gateway.server.webflux.routes";
        String upstream = "http://127.0.0.1:" + fixture.upstream.port();
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].id", () -> "acme-degraded");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].uri", () -> upstream);
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].predicates[0]", () -> "Path=/degraded/acme/**");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[0].name", () -> "RewritePath");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[0].args.regexp", () -> "/degraded/acme/(?<rest>.*)");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[0].args.replacement", () -> "/api/acme/${rest}");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[1].name", () -> "Tollgate");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[1].args.tenant", () -> "acme");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[1].args.requires", () -> "mtls+jwt");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[1].args.failure-mode", () -> "degrade");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[1].args.degrade.serve-stale-decisions", () -> "1m");
        r.add(routes + "[" + FIRST_OWN_ROUTE + "].filters[1].args.degrade.safe-methods-only", () -> "true");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 1) + "].id", () -> "acme-upstream-down");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 1) + "].uri", () -> "http://127.0.0.1:1");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 1) + "].predicates[0]", () -> "Path=/api/acme/orders/9999");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 1) + "].order", () -> "-1");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 1) + "].filters[0]", () -> "Tollgate=acme, mtls+jwt");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 2) + "].id", () -> "acme-upstream-slow");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 2) + "].uri", () -> "http://127.0.0.1:" + jwks.port());
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 2) + "].predicates[0]", () -> "Path=/api/acme/orders/8888");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 2) + "].order", () -> "-1");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 2) + "].metadata.response-timeout", () -> "300");
        r.add(routes + "[" + (FIRST_OWN_ROUTE + 2) + "].filters[0]", () -> "Tollgate=acme, mtls+jwt");
    }

    @org.springframework.beans.factory.annotation.Autowired
    dev.tollgate.gateway.ops.DependenciesHealthIndicator health;

    @AfterAll
    static void stop() {
        redis.close();
        jwks.stop();
    }

    private String token() {
        return fixture.token(GatewayFixture.CHECKOUT).sign();
    }

    private TlsClient.Response call(String path) {
        return client(fixture.checkout).get(path, TlsClient.bearer(token()));
    }

    private DecisionEvent eventOf(TlsClient.Response r) {
        String id = r.header("X-Tollgate-Decision-Id");
        if (id == null) {
            id = r.problemDecisionId();
        }
        if (id == null) {
            id = fixture.upstream.getAllServeEvents().get(0).getRequest().getHeader("X-Tollgate-Decision-Id");
        }
        return decisions.await(id);
    }

    @Test
    @Order(1)
    void redisKilledMidTrafficFailClosedRefusesDegradeServesWithinItsBoundsAndBothRecover() {
        long before = decisions.size();
        int requests = 0;
        assertThat(callPastRevocationLag("/api/acme/orders/1").status()).isEqualTo(200);
        assertThat(call("/degraded/acme/orders/1").status()).isEqualTo(200);
        requests += 2;

        redis.kill();
        TlsClient.Response refused = TlsClient.eventually(() -> call("/api/acme/orders/1"), 503);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.body()).contains("dependency.revocations");
        assertThat(eventOf(refused).effect()).isEqualTo("ERROR");
        assertThat(health.health().getStatus().getCode()).as("readiness follows Redis").isEqualTo("DOWN");

        TlsClient.Response degraded = call("/degraded/acme/orders/1");
        assertThat(degraded.status()).isEqualTo(200);
        DecisionEvent event = eventOf(degraded);
        assertThat(event.degraded()).isTrue();
        assertThat(event.failureMode()).startsWith("degraded:served-stale-decision");

        TlsClient.Response deniedByPolicy = call("/degraded/acme/admin");
        assertThat(deniedByPolicy.status()).as("degrade never allows what policy denies").isEqualTo(403);
        TlsClient.Response unsafe = client(fixture.checkout).send("POST", "/degraded/acme/orders/1",
                TlsClient.bearer(token()));
        assertThat(unsafe.status()).as("safe-methods-only").isEqualTo(503);
        requests += 3;

        redis.start();
        TlsClient.Response recovered = TlsClient.eventually(() -> call("/api/acme/orders/1"), 200);
        assertThat(eventOf(recovered).degraded()).isFalse();
        // Readiness is read a moment after that request, from every guard at once: one Redis breaker may still be
        // open from a call made while Redis came back, or the revocation poll be due. It must come back by itself.
        readinessBecomes("UP");
        assertThat(eventOf(call("/degraded/acme/orders/1")).degraded()).isFalse();
        requests += 2;
        // Every request, refused or allowed, left exactly one event (the TlsClient.eventually() loops add their own).
        assertThat(decisions.size() - before).isGreaterThanOrEqualTo(requests);
    }

    /** Polls readiness until it says {@code status} (at most 15 s), failing with what it said last. */
    private void readinessBecomes(String status) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        org.springframework.boot.health.contributor.Health h = health.health();
        while (!h.getStatus().getCode().equals(status) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(10).toNanos());
            h = health.health();
        }
        assertThat(h.getStatus().getCode()).as("readiness: %s", h.getDetails()).isEqualTo(status);
    }

    private TlsClient.Response dpopCall(String method, String path) {
        ECKey key = TestProofs.newEcKey();
        String token = fixture.token(GatewayFixture.CHECKOUT).confirmation(TestProofs.cnf(key)).sign();
        String proof = TestProofs.es256(key).request(method, DPOP_ORIGIN + path, token).sign();
        return client(fixture.checkout).send(method, path, TlsClient.dpop(token, proof));
    }

    @Test
    @Order(2)
    void redisKilledDuringDPoPTrafficFailClosedAnswers503DegradeUsesTheLocalReplayStoreAndBothRecover() {
        assertThat(TlsClient.eventually(() -> dpopCall("POST", "/dpop/acme/required/a"), 200).status()).isEqualTo(200);
        assertThat(dpopCall("POST", "/dpop/acme/degraded/a").status()).isEqualTo(200);

        redis.kill();
        TlsClient.Response refused = TlsClient.eventually(() -> dpopCall("POST", "/dpop/acme/required/a"), 503);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.body()).contains("dependency.replay-store");
        assertThat(eventOf(refused).effect()).isEqualTo("ERROR");

        ECKey key = TestProofs.newEcKey();
        String token = fixture.token(GatewayFixture.CHECKOUT).confirmation(TestProofs.cnf(key)).sign();
        String proof = TestProofs.es256(key).request("POST", DPOP_ORIGIN + "/dpop/acme/degraded/b", token).sign();
        TlsClient.Response degraded = client(fixture.checkout).send("POST", "/dpop/acme/degraded/b",
                TlsClient.dpop(token, proof));
        assertThat(degraded.status()).as(degraded.body()).isEqualTo(200);
        DecisionEvent event = decisions.await(fixture.upstream.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/dpop/acme/degraded/b")))
                .get(0).getHeader("X-Tollgate-Decision-Id"));
        assertThat(event.degraded()).isTrue();
        assertThat(event.failureMode()).contains("degraded:local-replay-store");
        TlsClient.Response replay = client(fixture.checkout).send("POST", "/dpop/acme/degraded/b",
                TlsClient.dpop(token, proof));
        assertThat(replay.status()).as("the local store catches a replay to this instance").isEqualTo(401);
        assertThat(replay.body()).contains("dpop.replay");

        redis.start();
        TlsClient.Response recovered = TlsClient.eventually(() -> dpopCall("POST", "/dpop/acme/required/c"), 200);
        assertThat(recovered.status()).isEqualTo(200);
        // The degrade route's own guard closes its breaker on its next successful call: within a bounded number of
        // calls (each served, degraded or not), one is decided without degradation again.
        boolean recoveredUndegraded = false;
        for (int i = 0; i < 50 && !recoveredUndegraded; i++) {
            TlsClient.Response degradedRecovered = dpopCall("POST", "/dpop/acme/degraded/c");
            assertThat(degradedRecovered.status()).isEqualTo(200);
            String id = fixture.upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/dpop/acme/degraded/c")))
                    .stream().reduce((a, b) -> b).orElseThrow().getHeader("X-Tollgate-Decision-Id");
            recoveredUndegraded = !decisions.await(id).degraded();
        }
        assertThat(recoveredUndegraded).as("no longer degraded once Redis is back").isTrue();
    }

    @Test
    @Order(3)
    void aSlowRedisIsTreatedLikeADownOne() throws Exception {
        assertThat(TlsClient.eventually(() -> call("/api/acme/orders/2"), 200).status()).isEqualTo(200);
        RedisClient client = RedisClient.create(redis.uri());
        try (var connection = client.connect()) {
            connection.async().dispatch(io.lettuce.core.protocol.CommandType.DEBUG,
                    new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("SLEEP")
                            .add(5)); // past the view's staleness bound (1.8 s with this test's settings)
            TlsClient.Response refused = TlsClient.eventually(() -> call("/api/acme/orders/2"), 503);
            assertThat(refused.body()).contains("dependency.revocations");
            assertThat(call("/degraded/acme/orders/2").status()).isEqualTo(200);
        } finally {
            client.shutdown();
        }
        TlsClient.eventually(() -> call("/api/acme/orders/2"), 200);
    }

    @Test
    @Order(4)
    void theJwksEndpointFailingOrHangingLeavesCachedKeysWorking() {
        jwks.resetAll();
        jwks.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withStatus(500)));
        assertThat(callPastRevocationLag("/api/acme/orders/3").status()).isEqualTo(200);
        jwks.resetAll();
        jwks.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)
                .withBody("{\"keys\":[]}")));
        assertThat(callPastRevocationLag("/api/acme/orders/3").status()).isEqualTo(200);
        jwks.resetAll();
        serveKeys();
        assertThat(callPastRevocationLag("/api/acme/orders/3").status()).isEqualTo(200);
    }

    /**
     * A call, repeated (bounded) only while the answer is the revocation view's brief staleness that the Redis tests
     * before this one can leave behind (their breaker closing), or that a stalled poll causes on a busy machine; any
     * other answer — a JWKS-caused 401, {@code dependency.issuer-keys}, an upstream's 502 or 504 — is returned at once,
     * so the tests that are not about Redis keep their meaning.
     */
    private TlsClient.Response callPastRevocationLag(String path) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        TlsClient.Response r = call(path);
        while (r.status() == 503 && r.body().contains("dependency.revocations") && System.nanoTime() < deadline) {
            r = call(path);
        }
        return r;
    }

    @Test
    @Order(5)
    void aFailingUpstreamIsAnErrorNotASuccessAndItsDecisionIsRecorded() {
        long before = decisions.size();
        TlsClient.Response r = callPastRevocationLag("/api/acme/orders/9999");
        assertThat(r.status()).as(r.body()).isEqualTo(502);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"code\":\"upstream.unreachable\"").contains("decision_id");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (decisions.size() == before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(decisions.size()).isGreaterThan((int) before);
    }

    @Test
    @Order(6)
    void anUpstreamThatDoesNotAnswerInTimeIsAGatewayTimeout() {
        jwks.stubFor(get(urlEqualTo("/api/acme/orders/8888")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(2_000)));
        TlsClient.Response r = callPastRevocationLag("/api/acme/orders/8888");
        assertThat(r.status()).as(r.body()).isEqualTo(504);
        assertThat(r.body()).contains("\"code\":\"upstream.timeout\"");
    }
}
