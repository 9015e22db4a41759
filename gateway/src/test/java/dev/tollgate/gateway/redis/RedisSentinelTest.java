package dev.tollgate.gateway.redis;

import dev.tollgate.gateway.testsupport.Conditions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.dpop.RedisReplayStore;
import dev.tollgate.gateway.revocation.RedisRevocationStore;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.testsupport.RedisCluster;
import dev.tollgate.gateway.testsupport.RedisProcess;
import dev.tollgate.gateway.testsupport.ReplayFailover;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a Sentinel-managed Redis (one master, one replica, three Sentinels, started here). The master is killed
 * while DPoP proofs are checked and a revocation stands: Sentinel promotes the replica, Lettuce follows it through
 * the Sentinels, no proof is accepted twice and the revocation is still there.
 */
class RedisSentinelTest {

    @Test
    void aFailoverKeepsEveryProofSingleUseAndEveryRevocation() throws Exception {
        Path dir = Files.createTempDirectory("tollgate-sentinel");
        RedisProcess master = new RedisProcess().start();
        RedisProcess replica = new RedisProcess("--replicaof", "127.0.0.1", Integer.toString(master.port())).start();
        List<RedisProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(RedisProcess.sentinel(master, "tollgate", dir).start());
        }
        try {
            awaitReplicaSynced(master);
            String uri = "redis-sentinel://" + String.join(",", sentinels.stream()
                    .map(s -> "127.0.0.1:" + s.port()).toList()) + "#tollgate";
            String prefix = TestRedis.uniquePrefix();
            DependencyRegistry deps = DependencyRegistry.ofDefaults();
            try (RedisAccess access = new RedisAccess(uri, Duration.ofMillis(300));
                 RedisRevocationStore revocations = new RedisRevocationStore(new RedisAccess(uri,
                         Duration.ofMillis(300)), deps.dependency("redis-revocations"), Clock.systemUTC(), prefix,
                         Duration.ofMillis(200), deps.settings("redis-revocations").timeLimit(), 1,
                         Duration.ofMillis(300))) {
                access.start(c -> { });
                revocations.start();
                assertThat(revocations.awaitCurrent(Duration.ofSeconds(10))).isTrue();
                String stolen = "spiffe://acme.test/ns/shop/sa/stolen";
                // Setup, not the claim: on a loaded machine the replica's WAIT acknowledgement can miss the 300 ms
                // limit once (a 503 an operator would retry), so the revocation is retried a few times.
                revocations.revoke(new Revocation(RevocationKind.PRINCIPAL, stolen, Instant.now(), "ops"))
                        .retryWhen(reactor.util.retry.Retry.backoff(5, Duration.ofMillis(100)))
                        .block(Duration.ofSeconds(10));
                RedisReplayStore store = new RedisReplayStore(access, deps.dependency("redis"), prefix, 1,
                        Duration.ofMillis(300));
                Conditions.await(access::connected);
                ReplayFailover.Result run = ReplayFailover.run(store, master, Duration.ofSeconds(5), () ->
                        assertThat(revocations.check(stolen, null, null, null, null).revoked())
                                .as("the revocation holds throughout").isTrue());
                System.out.println("sentinel failover: " + run.describe());
                assertThat(run.errors()).isPositive();
                assertThat(run.afterRestart()).as("recovered through the new master").isEqualTo(300);
                List<String> accepted = run.accepted();
                for (String jti : accepted) {
                    assertThat(store.firstUse(jti, Duration.ofMinutes(1)).block(Duration.ofSeconds(5)))
                            .as("replay of %s", jti).isFalse();
                }
                // A fresh instance finds the revocation on the promoted master.
                try (RedisRevocationStore fresh = new RedisRevocationStore(new RedisAccess(uri,
                        Duration.ofMillis(500)), DependencyRegistry.ofDefaults().dependency("redis"),
                        Clock.systemUTC(), prefix, Duration.ofMillis(200))) {
                    fresh.start();
                    assertThat(fresh.awaitCurrent(Duration.ofSeconds(10))).isTrue();
                    assertThat(fresh.check(stolen, null, null, null, null).revoked()).isTrue();
                }
            }
        } finally {
            sentinels.forEach(RedisProcess::close);
            replica.close();
            master.close();
        }
    }

    private static void awaitReplicaSynced(RedisProcess master) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String info = RedisCluster.cli(master, "info", "replication");
            if (info.contains("connected_slaves:1") && info.contains("state=online")) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the replica did not sync");
    }
}
