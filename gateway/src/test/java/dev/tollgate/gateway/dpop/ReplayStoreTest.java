package dev.tollgate.gateway.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.fallback.DependencyListener;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.FailureMode;
import dev.tollgate.fallback.FallbackTaken;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.testsupport.MovableClock;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The replay stores: bounded without forgetting live entries; Redis shared and atomic across instances. */
class ReplayStoreTest {

    static final Duration WINDOW = Duration.ofSeconds(70);

    @Test
    void theLocalStoreAcceptsAProofOnceAndAgainOnlyAfterItsWindow() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-22T12:00:00Z"));
        LocalReplayStore store = new LocalReplayStore(10, clock);
        assertThat(store.record("a", WINDOW)).isTrue();
        assertThat(store.record("a", WINDOW)).isFalse();
        clock.advance(WINDOW.plusMillis(1));
        assertThat(store.record("a", WINDOW)).isTrue();
    }

    @Test
    void floodingTheLocalStoreNeverEvictsALiveEntryIntoAcceptance() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-22T12:00:00Z"));
        LocalReplayStore store = new LocalReplayStore(100, clock);
        assertThat(store.record("victim", WINDOW)).isTrue();
        int refused = 0;
        for (int i = 0; i < 1_000; i++) {
            try {
                store.record("flood-" + i, WINDOW);
            } catch (ReplayStoreFullException e) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(901);
        assertThat(store.size()).isEqualTo(100);
        assertThat(store.record("victim", WINDOW)).as("the live entry is still there").isFalse();
        // Once the window has passed, the sweep makes room again.
        clock.advance(WINDOW.plusSeconds(1));
        assertThat(store.record("after", WINDOW)).isTrue();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void twoInstancesOnOneRedisAcceptTheSameProofExactlyOnce() {
        String prefix = TestRedis.uniquePrefix();
        DependencyRegistry deps = new DependencyRegistry(Map.of(), Map.of(), DependencyListener.NONE);
        List<RedisAccess> connections = new ArrayList<>();
        try {
            List<ReplayStore> stores = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RedisAccess access = new RedisAccess(TestRedis.uri(), Duration.ofSeconds(1));
                access.start(c -> { });
                connections.add(access);
                stores.add(new RedisReplayStore(access, deps.dependency("redis"), prefix));
            }
            awaitConnected(connections);
            for (int proof = 0; proof < 200; proof++) {
                String key = "proof-" + proof;
                List<Boolean> answers = Flux.range(0, 4)
                        .flatMap(i -> stores.get(i % 2).firstUse(key, WINDOW))
                        .collectList().block(Duration.ofSeconds(5));
                assertThat(answers).as(key).containsOnlyOnce(true).hasSize(4);
            }
        } finally {
            connections.forEach(RedisAccess::close);
        }
    }

    @Test
    void withoutTheSharedStoreTheRouteFailureModeDecides() {
        DPoPSettings settings = DPoPSettings.defaults();
        ReplayStore down = (key, window) -> reactor.core.publisher.Mono.error(
                new dev.tollgate.fallback.DependencyUnavailableException("redis",
                        dev.tollgate.fallback.DependencyUnavailableException.Reason.CIRCUIT_OPEN, null));
        DPoPReplayGuard guard = new DPoPReplayGuard(down, new LocalReplayStore(10, Clock.systemUTC()), settings);
        DPoPProof proof = new DPoPProof("j", "k", Instant.now(), "key-1");

        assertThatThrownBy(() -> guard.check(proof, FailureMode.FAIL_CLOSED, "GET", "p").block())
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                    assertThat(e.kind().status().value()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("dependency.replay-store");
                });
        FailureMode degrade = new FailureMode.Degrade(null, true, false, null, null);
        Optional<FallbackTaken> taken = guard.check(proof, degrade, "POST", "p").block();
        assertThat(taken).hasValueSatisfying(t -> assertThat(t.describe())
                .isEqualTo("degraded:local-replay-store (redis circuit_open)"));
        assertThatThrownBy(() -> guard.check(proof, degrade, "POST", "p").block())
                .as("the local store still catches a replay on this instance")
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> assertThat(e.code()).isEqualTo("dpop.replay"));
        FailureMode safeOnly = new FailureMode.Degrade(null, true, true, null, null);
        DPoPProof other = new DPoPProof("j2", "k", Instant.now(), "key-2");
        assertThatThrownBy(() -> guard.check(other, safeOnly, "POST", "p").block())
                .isInstanceOfSatisfying(RequestRejectedException.class,
                        e -> assertThat(e.kind().status().value()).isEqualTo(503));
    }

    private static void awaitConnected(List<RedisAccess> connections) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!connections.stream().allMatch(RedisAccess::connected)) {
            assertThat(System.nanoTime()).as("Redis connected in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
