package dev.tollgate.gateway.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.testsupport.Conditions;
import dev.tollgate.gateway.testsupport.RedisProcess;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 1 (the revocation-bypass class): revocations live only in Redis, and Redis may come back empty (no
 * persistence) or as another data set. An instance that knew a revocation must never allow the revoked principal
 * because of that: it keeps what it knew and reports the list as not current (the route's failure mode answers) until
 * an operator reseeds Redis from an instance's view — after which every instance, new ones included, agrees again.
 */
class RevocationLossTest {

    static final String PRINCIPAL = "spiffe://acme.test/ns/shop/sa/stolen";

    @Test
    void aRedisThatComesBackEmptyNeverUnRevokesAndAReseedRestoresTheFleet() {
        String prefix = TestRedis.uniquePrefix();
        DependencyRegistry deps = DependencyRegistry.ofDefaults();
        RedisProcess redis = new RedisProcess().start();
        try (RedisRevocationStore a = store(redis.uri(), prefix, deps);
             RedisRevocationStore b = store(redis.uri(), prefix, deps)) {
            assertThat(a.awaitCurrent(Duration.ofSeconds(5))).isTrue();
            assertThat(b.awaitCurrent(Duration.ofSeconds(5))).isTrue();
            a.revoke(new Revocation(RevocationKind.PRINCIPAL, PRINCIPAL, Instant.now(), "ops"))
                    .block(Duration.ofSeconds(2));
            Conditions.await(() -> b.check(PRINCIPAL, null, null, null, null).revoked());

            // Redis restarts without persistence: the data set is gone. From then on, at no moment does either
            // instance allow the revoked principal.
            redis.kill();
            redis.start();
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                assertThat(a.check(PRINCIPAL, null, null, null, null).revoked()).isTrue();
                assertThat(b.check(PRINCIPAL, null, null, null, null).revoked()).isTrue();
                Thread.onSpinWait();
            }
            // Both have noticed the loss (the epoch is gone) and, until a reseed, call the list not current.
            Conditions.await(() -> a.lost() && b.lost());
            until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                for (RedisRevocationStore s : new RedisRevocationStore[] {a, b}) {
                    RevocationCheck check = s.check(PRINCIPAL, null, null, null, null);
                    assertThat(check.revoked()).as("a lost data set never un-revokes").isTrue();
                    assertThat(check.staleMillis()).as("and the list is not current: %s", s).isPositive();
                }
                Thread.onSpinWait();
            }

            // The operator reseeds from instance a: every instance, and a new one, is current and agrees.
            a.reseed().block(Duration.ofSeconds(2));
            Conditions.await(() -> a.check(PRINCIPAL, null, null, null, null).staleMillis() == 0
                    && b.check(PRINCIPAL, null, null, null, null).staleMillis() == 0);
            assertThat(b.check(PRINCIPAL, null, null, null, null).revoked()).isTrue();
            try (RedisRevocationStore fresh = store(redis.uri(), prefix, deps)) {
                assertThat(fresh.awaitCurrent(Duration.ofSeconds(5))).isTrue();
                Conditions.await(() -> fresh.check(PRINCIPAL, null, null, null, null).revoked());
            }
            // And lifting works as before on the reseeded set.
            a.lift(RevocationKind.PRINCIPAL, PRINCIPAL).block(Duration.ofSeconds(2));
            Conditions.await(() -> !b.check(PRINCIPAL, null, null, null, null).revoked());
        } finally {
            redis.close();
        }
    }

    /** An upgrade from a version that kept the list under {@code <prefix>revocations} never forgets a revocation. */
    @Test
    void aListUnderThePreClusterKeyIsCarriedOverOnUpgrade() {
        String written = TestRedis.uniquePrefix();
        String upgraded = TestRedis.uniquePrefix();
        DependencyRegistry deps = DependencyRegistry.ofDefaults();
        try (RedisProcess redis = new RedisProcess().start();
             RedisRevocationStore old = store(redis.uri(), written, deps)) {
            assertThat(old.awaitCurrent(Duration.ofSeconds(5))).isTrue();
            old.revoke(new Revocation(RevocationKind.PRINCIPAL, PRINCIPAL, Instant.now(), "ops"))
                    .block(Duration.ofSeconds(2));
            // What an older version left behind: the same entries at the key without the hash tag.
            try (RedisAccess raw = new RedisAccess(redis.uri(), Duration.ofSeconds(1))) {
                raw.start(c -> { });
                Conditions.await(raw::connected);
                var entries = raw.reactive().flatMap(r -> r.hgetall(written + "{revocations}")
                        .collectMap(kv -> kv.getKey(), kv -> kv.getValue())).block(Duration.ofSeconds(2));
                assertThat(entries).hasSize(1);
                raw.reactive().flatMap(r -> r.hset(upgraded + "revocations", entries)).block(Duration.ofSeconds(2));
            }
            try (RedisRevocationStore fresh = store(redis.uri(), upgraded, deps)) {
                assertThat(fresh.awaitCurrent(Duration.ofSeconds(5))).isTrue();
                Conditions.await(() -> fresh.check(PRINCIPAL, null, null, null, null).revoked());
            }
        }
    }

    private static RedisRevocationStore store(String uri, String prefix, DependencyRegistry deps) {
        RedisRevocationStore store = new RedisRevocationStore(new RedisAccess(uri, Duration.ofMillis(500)),
                deps.dependency("redis"), Clock.systemUTC(), prefix, Duration.ofMillis(200));
        store.start();
        return store;
    }
}
