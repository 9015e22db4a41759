package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.revocation.RedisRevocationStore;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.testsupport.RedisProcess;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 1 (part): a Redis with ACLs — the default user off, Tollgate's own user with a password — is reached
 * by configuration alone ({@code tollgate.redis.uri: redis://user:password@host:port}), commands and pub/sub alike;
 * a wrong password is a Redis that cannot be confirmed, so the revocation list is never current (fail closed).
 */
class RedisAclTest {

    @Test
    void anAclUserAndPasswordInTheUriReachRedisAndAWrongOneFailsClosed() {
        try (RedisProcess redis = new RedisProcess("--user", "tollgate", "on", ">s3cret", "~*", "&*", "+@all",
                "--user", "default", "off").start()) {
            String port = redis.uri().substring(redis.uri().lastIndexOf(':') + 1);
            String prefix = TestRedis.uniquePrefix();
            DependencyRegistry deps = DependencyRegistry.ofDefaults();
            try (RedisRevocationStore a = store("redis://tollgate:s3cret@127.0.0.1:" + port, prefix, deps);
                 RedisRevocationStore b = store("redis://tollgate:s3cret@127.0.0.1:" + port, prefix, deps);
                 RedisRevocationStore wrong = store("redis://tollgate:guess@127.0.0.1:" + port, prefix, deps)) {
                assertThat(a.awaitCurrent(Duration.ofSeconds(5))).isTrue();
                assertThat(b.awaitCurrent(Duration.ofSeconds(5))).isTrue();
                a.revoke(new Revocation(RevocationKind.PRINCIPAL, "spiffe://acme.test/ns/x/sa/y", Instant.now(), "t"))
                        .block(Duration.ofSeconds(2));
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!b.check("spiffe://acme.test/ns/x/sa/y", null, null, null, null).revoked()) {
                    assertThat(System.nanoTime()).as("announced over pub/sub with the ACL user").isLessThan(deadline);
                    Thread.onSpinWait();
                }
                assertThat(wrong.awaitCurrent(Duration.ofSeconds(2))).as("a wrong password never confirms").isFalse();
                assertThat(wrong.check(null, null, null, null, null).staleMillis()).isPositive();
            }
        }
    }

    private static RedisRevocationStore store(String uri, String prefix, DependencyRegistry deps) {
        RedisRevocationStore store = new RedisRevocationStore(new RedisAccess(uri, Duration.ofMillis(500)),
                deps.dependency("redis:" + uri.hashCode()), Clock.systemUTC(), prefix, Duration.ofMillis(200));
        store.start();
        return store;
    }
}
