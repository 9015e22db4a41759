package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencySettings;
import dev.tollgate.gateway.dpop.RedisReplayStore;
import dev.tollgate.gateway.testsupport.Conditions;
import dev.tollgate.gateway.testsupport.RedisProcess;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A Redis command, once answered, keeps nothing of the request it served reachable, and a command Redis does not
 * answer still ends within the {@code redis} guard's time limit.
 * <p>
 * Why it matters: Lettuce's own per-command timer kept each command, and through its subscriber the whole request,
 * reachable until the timer's next tick (up to 100 ms) after the answer. At a few thousand requests a second that is
 * hundreds of requests the young-generation collector copies every time: ~5 µs of the collector's CPU per request on
 * every Redis-using row (perf/results/redis-commands-2026-12-07.md). Commands are bounded by the guard alone now.
 */
class AnsweredCommandsTest {

    private static RedisProcess redis;
    private static RedisAccess access;

    @BeforeAll
    static void connect() throws Exception {
        redis = new RedisProcess().start();
        access = new RedisAccess(redis.uri(), Duration.ofSeconds(2), Duration.ofMillis(200));
        access.start(pubSub -> { });
        Conditions.await(access::connected);
    }

    @AfterAll
    static void close() {
        if (access != null) {
            access.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anAnsweredCommandKeepsNothingOfItsRequestReachable() {
        RedisReplayStore store = new RedisReplayStore(access, DependencyRegistry.ofDefaults().dependency("redis"),
                "answered-commands-test:");
        int kept = 0;
        for (int i = 0; i < 10; i++) {
            WeakReference<Object> request = answerOnce(store);
            // The event loop has finished with that answer once it has read a later one (block() returns while the
            // loop may still be unwinding the first). Then one full collection, at once: a timer's next tick, up to
            // 100 ms away, would release what it held and hide it.
            access.reactive().flatMap(r -> r.ping()).block(Duration.ofSeconds(5));
            System.gc();
            if (request.get() != null) {
                kept++;
            }
        }
        // With Lettuce's per-command timer 9-10 of 10 stayed reachable; without it none did in 60 tries. Two allow
        // for a collector that defers a weak reference once.
        assertThat(kept).as("requests of 10 answered commands still reachable").isLessThanOrEqualTo(2);
    }

    /** One replay-store check whose downstream (standing in for the request) is reachable only through the chain. */
    private static WeakReference<Object> answerOnce(RedisReplayStore store) {
        Object request = new byte[1024];
        WeakReference<Object> ref = new WeakReference<>(request);
        Boolean first = store.firstUse("proof-" + System.nanoTime(), Duration.ofSeconds(30))
                .map(b -> b && request.hashCode() != 0)
                .block(Duration.ofSeconds(5));
        assertThat(first).isTrue();
        return ref;
    }

    @Test
    void aCommandRedisDoesNotAnswerEndsAtTheGuardsTimeLimit() {
        DependencyRegistry guards = new DependencyRegistry(Map.of(), Map.of("redis", new DependencySettings(null,
                Duration.ofMillis(200), null, null, null, null, null, null, null)), null);
        RedisReplayStore store = new RedisReplayStore(access, guards.dependency("redis"), "answered-commands-test:");
        // CLIENT PAUSE holds every client's commands unanswered (the connection stays up): a Redis that hangs.
        access.reactive().flatMap(r -> r.clientPause(800)).block(Duration.ofSeconds(2));
        long start = System.nanoTime();
        Throwable failure = store.firstUse("paused-" + System.nanoTime(), Duration.ofSeconds(30))
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .block(Duration.ofSeconds(5));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Redis answers again once the pause is over (the held SET first): the other test needs it answering.
        access.reactive().flatMap(r -> r.ping()).block(Duration.ofSeconds(5));
        assertThat(failure).isInstanceOf(dev.tollgate.fallback.DependencyUnavailableException.class);
        assertThat(((dev.tollgate.fallback.DependencyUnavailableException) failure).reason())
                .isEqualTo(dev.tollgate.fallback.DependencyUnavailableException.Reason.TIMEOUT);
        assertThat(tookMillis).isBetween(150L, 700L);
    }
}
