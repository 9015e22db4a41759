package dev.tollgate.gateway.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-process replay store's table against a plain map: generated traffic of new proofs, replays and expiries must
 * get exactly the map's answers, however entries were probed, reused and rebuilt; memory follows the live entries; and
 * threads recording the same proofs at once accept each exactly once.
 */
class LocalReplayStoreTest {

    static final Instant START = Instant.parse("2026-12-03T18:00:00Z");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void generatedTrafficGetsTheAnswersOfAPlainMap(long seed) {
        Random random = new Random(seed);
        MovableClock clock = new MovableClock(START);
        LocalReplayStore store = new LocalReplayStore(Integer.MAX_VALUE, clock);
        Map<String, Long> expiries = new HashMap<>();
        // A small pool of keys so that replays, expired keys used again and long probe paths are all frequent.
        int pool = 1 + random.nextInt(2_000);
        for (int op = 0; op < 50_000; op++) {
            if (random.nextInt(10) == 0) {
                clock.advance(Duration.ofMillis(random.nextInt(200)));
            }
            String key = "proof-" + random.nextInt(pool);
            Duration window = Duration.ofMillis(1 + random.nextInt(5_000));
            long now = clock.millis();
            Long expiry = expiries.get(key);
            boolean first = expiry == null || expiry <= now;
            if (first) {
                expiries.put(key, now + window.toMillis());
            }
            assertThat(store.record(key, window)).as("operation %d, %s", op, key).isEqualTo(first);
        }
        long now = clock.millis();
        long live = expiries.values().stream().filter(e -> e > now).count();
        assertThat(store.size()).as("entries held: every live one, and no key twice").isBetween((int) live, pool);
    }

    @Test
    void underSteadyTrafficTheStoreFollowsItsLiveEntriesNotEveryProofItSaw() {
        MovableClock clock = new MovableClock(START);
        LocalReplayStore store = new LocalReplayStore(10_000_000, clock);
        Duration window = Duration.ofSeconds(1);
        // 200 simulated seconds at 2,000 proofs a second: 400,000 proofs, about 2,000 of them live at any time.
        int proofs = 400_000;
        for (int i = 0; i < proofs; i++) {
            if (i % 2 == 0) {
                clock.advance(Duration.ofMillis(1));
            }
            assertThat(store.record("p" + i, window)).isTrue();
        }
        assertThat(store.size()).as("entries held").isLessThanOrEqualTo(2 * 2_000 + 64 * 16);
        assertThat(store.slots()).as("slots allocated (16 bytes each)").isLessThanOrEqualTo(8 * 2_000 + 64 * 16);
        for (int i = proofs - 1_990; i < proofs; i++) {
            assertThat(store.record("p" + i, window)).as("p%d is still live", i).isFalse();
        }
        for (int i = proofs - 3_000; i < proofs - 2_010; i++) {
            assertThat(store.record("p" + i, window)).as("p%d has expired", i).isTrue();
        }
    }

    @Test
    void threadsRecordingTheSameProofsAtOnceAcceptEachExactlyOnce() throws Exception {
        MovableClock clock = new MovableClock(START);
        LocalReplayStore store = new LocalReplayStore(Integer.MAX_VALUE, clock);
        int keys = 50_000;
        int threads = 4;
        AtomicIntegerArray accepted = new AtomicIntegerArray(keys);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Integer> order = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    order.add(k);
                }
                Collections.shuffle(order, new Random(t));
                done.add(pool.submit(() -> {
                    start.await();
                    for (int k : order) {
                        if (store.record("proof-" + k, Duration.ofMinutes(1))) {
                            accepted.incrementAndGet(k);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int k = 0; k < keys; k++) {
            assertThat(accepted.get(k)).as("proof-%d accepted", k).isEqualTo(1);
        }
        assertThat(store.size()).isEqualTo(keys);
    }
}
