package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.dpop.RedisReplayStore;
import dev.tollgate.gateway.revocation.RedisRevocationStore;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.testsupport.RedisCluster;
import dev.tollgate.gateway.testsupport.RedisProcess;
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
                         Duration.ofMillis(200), 1, Duration.ofMillis(300))) {
                access.start(c -> { });
                revocations.start();
                assertThat(revocations.awaitCurrent(Duration.ofSeconds(10))).isTrue();
                String stolen = "spiffe://acme.test/ns/shop/sa/stolen";
                revocations.revoke(new Revocation(RevocationKind.PRINCIPAL, stolen, Instant.now(), "ops"))
                        .block(Duration.ofSeconds(5));
                RedisReplayStore store = new RedisReplayStore(access, deps.dependency("redis"), prefix, 1,
                        Duration.ofMillis(300));
                long connectDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!access.connected() && System.nanoTime() < connectDeadline) {
                    Thread.onSpinWait();
                }
                assertThat(access.connected()).isTrue();
                List<String> accepted = new ArrayList<>();
                java.util.Map<String, Integer> causes = new java.util.TreeMap<>();
                long killedAt = 0;
                long restartedAt = 0;
                long firstError = 0;
                long lastError = 0;
                int errors = 0;
                int afterRestart = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                for (int i = 0; System.nanoTime() < deadline && afterRestart < 300; i++) {
                    if (i == 300) {
                        master.kill();
                        killedAt = System.nanoTime();
                    }
                    if (killedAt != 0 && restartedAt == 0
                            && System.nanoTime() - killedAt > Duration.ofSeconds(5).toNanos()) {
                        master.start(); // Sentinel turns it into the new master's replica
                        restartedAt = System.nanoTime();
                    }
                    try {
                        if (Boolean.TRUE.equals(store.firstUse("jti-" + i, Duration.ofMinutes(1))
                                .block(Duration.ofSeconds(5)))) {
                            accepted.add("jti-" + i);
                            if (lastError != 0 && restartedAt != 0) {
                                afterRestart++;
                            }
                        }
                    } catch (RuntimeException e) {
                        causes.merge(String.valueOf(e.getMessage()), 1, Integer::sum);
                        errors++;
                        lastError = System.nanoTime();
                        firstError = firstError == 0 ? lastError : firstError;
                    }
                    assertThat(revocations.check(stolen, null, null, null, null).revoked())
                            .as("the revocation holds throughout").isTrue();
                }
                System.out.printf("sentinel failover: the replay store refused %d proofs as unavailable between %d ms"
                        + " and %d ms after the kill (old master restarted at %d ms)%n", errors,
                        (firstError - killedAt) / 1_000_000, (lastError - killedAt) / 1_000_000,
                        (restartedAt - killedAt) / 1_000_000);
                System.out.println("  refusals by cause: " + causes);
                assertThat(errors).isPositive();
                assertThat(afterRestart).as("recovered through the new master").isEqualTo(300);
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
