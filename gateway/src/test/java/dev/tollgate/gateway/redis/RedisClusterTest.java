package dev.tollgate.gateway.redis;

import dev.tollgate.gateway.testsupport.Conditions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencySettings;
import dev.tollgate.gateway.dpop.RedisReplayStore;
import dev.tollgate.gateway.revocation.RedisRevocationStore;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.testsupport.RedisCluster;
import dev.tollgate.gateway.testsupport.RedisProcess;
import dev.tollgate.gateway.testsupport.ReplayFailover;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 16: Tollgate on a real Redis Cluster (3 masters, 3 replicas, started here): revocations announced to every
 * instance, the DPoP replay store spread over the masters, and a master killed under replay traffic — with
 * {@code replica-acks: 1} no proof is accepted twice, and the time the store answered errors (the route's failure
 * mode: 503 on fail-closed routes) is measured.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {

    private static RedisCluster cluster;

    /**
     * The guard's time limit (2 s here) must exceed {@code replica-ack-timeout} plus the writes: on a loaded CI machine
     * a replica's acknowledgement can take longer than on a quiet one. The failover test keeps the defaults.
     */
    private static DependencyRegistry patient() {
        return new DependencyRegistry(Map.of(DependencyRegistry.DEFAULT_TEMPLATE, new DependencySettings(null,
                Duration.ofSeconds(2), null, Duration.ofSeconds(2), null, null, null, null, null)), Map.of(), null);
    }

    @BeforeAll
    static void startCluster() {
        cluster = new RedisCluster().start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void revocationsReachEveryInstanceThroughTheCluster() {
        String prefix = TestRedis.uniquePrefix();
        DependencyRegistry deps = patient();
        try (RedisRevocationStore a = store(prefix, deps); RedisRevocationStore b = store(prefix, deps)) {
            assertThat(a.awaitCurrent(Duration.ofSeconds(10))).isTrue();
            assertThat(b.awaitCurrent(Duration.ofSeconds(10))).isTrue();
            for (int i = 0; i < 20; i++) {
                String principal = "spiffe://acme.test/ns/shop/sa/w" + i;
                a.revoke(new Revocation(RevocationKind.PRINCIPAL, principal, Instant.now(), "test"))
                        .block(Duration.ofSeconds(5));
                awaitRevoked(b, principal, true);
            }
            b.lift(RevocationKind.PRINCIPAL, "spiffe://acme.test/ns/shop/sa/w3").block(Duration.ofSeconds(5));
            awaitRevoked(a, "spiffe://acme.test/ns/shop/sa/w3", false);
            assertThat(b.list()).hasSize(19);
        }
    }

    /**
     * Issue 13: one request's entity lookup is one MGET of keys in one slot (the tenant's hash tag), so it works on a
     * cluster; a write on one instance drops the other's cached copy through the cluster's pub/sub.
     */
    @Test
    @Order(2)
    void entityLookupsStayInOneSlotAndWritesReachTheOtherInstance() {
        String prefix = TestRedis.uniquePrefix();
        DependencyRegistry deps = patient();
        try (RedisAccess a = new RedisAccess(cluster.uri(), Duration.ofSeconds(1));
             RedisAccess b = new RedisAccess(cluster.uri(), Duration.ofSeconds(1))) {
            a.start(c -> { });
            b.start(c -> { });
            awaitConnected(a);
            awaitConnected(b);
            var writer = new dev.tollgate.gateway.entities.RedisEntityStore(a, deps.dependency("redis"), prefix, 100,
                    Duration.ofMinutes(5));
            var reader = new dev.tollgate.gateway.entities.RedisEntityStore(b, deps.dependency("redis"), prefix, 100,
                    Duration.ofMinutes(5));
            var principal = new dev.tollgate.policy.Principal("alice", null, "acme", "https://idp.test", Map.of(),
                    java.util.Set.of());
            assertThat(reader.lookup("acme", principal, "/docs/1").block(Duration.ofSeconds(5)).principalGroups())
                    .isEmpty();
            writer.put("acme", new dev.tollgate.gateway.entities.EntityEntry(dev.tollgate.gateway.entities.EntityKey
                    .principal("alice", "https://idp.test"), java.util.List.of("editors"), Map.of()))
                    .block(Duration.ofSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (reader.lookup("acme", principal, "/docs/1").block(Duration.ofSeconds(5)).principalGroups().isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(reader.lookup("acme", principal, "/docs/1").block(Duration.ofSeconds(5)).principalGroups())
                    .as("the cached absence was dropped by the announcement, well before its 5 minutes")
                    .containsExactly("editors");
        }
    }

    @Test
    @Order(3)
    void theReplayStoreSpreadsOverTheMastersAndRefusesEveryReplay() {
        String prefix = TestRedis.uniquePrefix();
        try (RedisAccess access = new RedisAccess(cluster.uri(), Duration.ofSeconds(1))) {
            access.start(c -> { });
            RedisReplayStore store = new RedisReplayStore(access, patient().dependency("redis"), prefix, 1,
                    Duration.ofSeconds(1));
            awaitConnected(access);
            for (int i = 0; i < 300; i++) {
                assertThat(store.firstUse("jti-" + i, Duration.ofMinutes(1)).block(Duration.ofSeconds(5))).isTrue();
            }
            for (int i = 0; i < 300; i++) {
                assertThat(store.firstUse("jti-" + i, Duration.ofMinutes(1)).block(Duration.ofSeconds(5))).isFalse();
            }
            long mastersWithKeys = cluster.nodes().stream()
                    .filter(n -> RedisCluster.cli(n, "role").startsWith("master"))
                    .filter(n -> Long.parseLong(RedisCluster.cli(n, "dbsize").trim()) > 0).count();
            assertThat(mastersWithKeys).as("keys on every master").isEqualTo(3);
        }
    }

    /** Runs last: it kills a master. */
    @Test
    @Order(4)
    void aMasterKilledUnderReplayTrafficNeverLetsAProofBeAcceptedTwice() {
        String prefix = TestRedis.uniquePrefix();
        try (RedisAccess access = new RedisAccess(cluster.uri(), Duration.ofMillis(300))) {
            access.start(c -> { });
            RedisReplayStore store = new RedisReplayStore(access, DependencyRegistry.ofDefaults().dependency("redis"),
                    prefix, 1, Duration.ofMillis(300));
            awaitConnected(access);
            RedisProcess victim = cluster.masterOf(prefix + "dpop:jti-0");
            ReplayFailover.Result run = ReplayFailover.run(store, victim, Duration.ofSeconds(4), () -> { });
            System.out.println("cluster failover: " + run.describe());
            assertThat(run.killedAt()).isPositive();
            assertThat(run.errors()).as("the killed master's slots were unavailable for a while").isPositive();
            assertThat(run.afterRestart()).as("the store recovered").isEqualTo(300);
            List<String> accepted = run.accepted();
            // Every proof accepted — before, during and after the failover — is refused when replayed.
            cluster.awaitOk(Duration.ofSeconds(20));
            for (String jti : accepted) {
                Boolean again = null;
                for (int attempt = 0; attempt < 20 && again == null; attempt++) {
                    try {
                        again = store.firstUse(jti, Duration.ofMinutes(1)).block(Duration.ofSeconds(5));
                    } catch (RuntimeException e) {
                        again = null;
                    }
                }
                assertThat(again).as("replay of %s after the failover", jti).isFalse();
            }
        }
    }

    private static RedisRevocationStore store(String prefix, DependencyRegistry deps) {
        RedisRevocationStore store = new RedisRevocationStore(new RedisAccess(cluster.uri(), Duration.ofSeconds(1)),
                deps.dependency("redis"), Clock.systemUTC(), prefix, Duration.ofMillis(200),
                deps.settings("redis").timeLimit(), 1, Duration.ofSeconds(1));
        store.start();
        return store;
    }

    private static void awaitRevoked(RedisRevocationStore store, String principal, boolean revoked) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (store.check(principal, null, null, null, null).revoked() != revoked && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(store.check(principal, null, null, null, null).revoked()).as(principal).isEqualTo(revoked);
    }

    private static void awaitConnected(RedisAccess access) {
        Conditions.await(access::connected);
    }
}
