package dev.tollgate.gateway.authz;

import dev.tollgate.gateway.testsupport.Conditions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared tier (L2) on a real Redis: its wire format is what every instance of a fleet reads, including instances
 * of an older version during a rolling upgrade; and an entry that does not decode in full is a miss (the decision is
 * taken afresh), never a default such as deny or allow.
 */
class DecisionCacheRedisTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final DecisionCacheKey KEY = new DecisionCacheKey("acme", "rev1", "spiffe://acme.test/w",
            "acme.test", "acme", List.of(), "GET", "/orders/1");

    private static RedisAccess redis;
    private static final String PREFIX = TestRedis.uniquePrefix();
    /** L1 off (max-entries 0): every get below reads Redis. */
    private static DecisionCache cache;

    @BeforeAll
    static void connect() {
        redis = new RedisAccess(TestRedis.uri(), Duration.ofSeconds(2));
        redis.start(pubSub -> { });
        Conditions.await(redis::connected);
        cache = new DecisionCache(0, redis, DependencyRegistry.ofDefaults().dependency("redis"), PREFIX,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Test
    void aDecisionPutIsReadBackFromRedisWithEveryMember() {
        CachedDecision decision = new CachedDecision(true, List.of("r1", "r2"), "rev1", Map.of("env", "prod"),
                NOW.minusSeconds(1), NOW.plusSeconds(60));
        cache.put(KEY, decision);
        DecisionCache.Hit hit = awaitHit(a -> a.equals("env") ? "prod" : null);
        assertThat(hit.tier()).isEqualTo("L2");
        assertThat(hit.decision()).isEqualTo(decision);
        // Attributes the decision read differ for this request: not reused.
        assertThat(cache.get(KEY, a -> "staging").blockOptional(Duration.ofSeconds(5))).isEmpty();
    }

    /** The format an instance of the previous version wrote (Jackson tree, members in this order). */
    @Test
    void anEntryInTheFormatOfThePreviousVersionIsRead() {
        write("{\"allowed\":false,\"rules\":[\"deny-all\"],\"revision\":\"rev1\",\"attributes\":{},"
                + "\"decidedAt\":" + NOW.toEpochMilli() + ",\"expiresAt\":" + NOW.plusSeconds(30).toEpochMilli() + "}");
        CachedDecision read = cache.get(KEY, a -> null).block(Duration.ofSeconds(5)).decision();
        assertThat(read).isEqualTo(new CachedDecision(false, List.of("deny-all"), "rev1", Map.of(), NOW,
                NOW.plusSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "[]",
            "null",
            "{}",
            "{\"allowed\":true",
            // a member missing: allowed, revision, decidedAt, expiresAt
            "{\"rules\":[],\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[],\"attributes\":{},\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[],\"revision\":\"rev1\",\"attributes\":{},\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[],\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1}",
            // wrong types and nulls
            "{\"allowed\":null,\"rules\":[],\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":\"r1\",\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[null],\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[],\"revision\":\"rev1\",\"attributes\":{\"a\":null},\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[],\"revision\":\"rev1\",\"attributes\":[],\"decidedAt\":1,\"expiresAt\":9999999999999}",
            "{\"allowed\":true,\"rules\":[],\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1,\"expiresAt\":\"later\"}",
            // well formed, but expired
            "{\"allowed\":true,\"rules\":[],\"revision\":\"rev1\",\"attributes\":{},\"decidedAt\":1,\"expiresAt\":2}",
    })
    void anEntryThatDoesNotDecodeInFullIsAMiss(String body) {
        write(body);
        assertThat(cache.get(KEY, a -> null).blockOptional(Duration.ofSeconds(5))).isEmpty();
    }

    private static void write(String body) {
        redis.reactive().flatMap(r -> r.set(PREFIX + "decision:" + KEY.digest(), body)).block(Duration.ofSeconds(5));
    }

    /** The L2 write is in the background: read until it lands. */
    private static DecisionCache.Hit awaitHit(java.util.function.Function<String, String> attributes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            var hit = cache.get(KEY, attributes).blockOptional(Duration.ofSeconds(5));
            if (hit.isPresent()) {
                return hit.get();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new AssertionError("the decision did not reach Redis");
    }
}
