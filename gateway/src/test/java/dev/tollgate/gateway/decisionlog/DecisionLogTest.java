package dev.tollgate.gateway.decisionlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecisionLogTest {

    static DecisionEvent event(String id) {
        return DecisionEvent.of(id, Instant.parse("2026-11-22T10:00:00Z")).outcome("ALLOW", 200, "policy.permit")
                .route("acme-api").tenant("acme").principal("spiffe://acme.demo/ns/shop/sa/checkout", "acme.demo")
                .request("GET", "/api/acme/orders/\"42\"").decidedBy(List.of("checkout-reads-orders"), "abc123")
                .credentials(List.of("jwt", "mtls")).credentialReferences("f00d", "j1", null, "x5t").cache("MISS")
                .latencyMicros(123).build();
    }

    @Test
    void encodesOneJsonLinePerEventWithCredentialReferencesOnly() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch written = new CountDownLatch(2);
        try (DecisionLog log = new DecisionLog(16, List.of((e, json, length) -> {
            lines.add(new String(json, 0, length, java.nio.charset.StandardCharsets.UTF_8));
            written.countDown();
        }))) {
            log.record(event("d1"));
            log.record(event("d2"));
            assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).doesNotContain("\n")
                .contains("\"decision_id\":\"d1\"")
                .contains("\"path\":\"/api/acme/orders/\\\"42\\\"\"")
                .contains("\"deciding_rules\":[\"checkout-reads-orders\"]")
                .contains("\"token_id\":\"f00d\"")
                .contains("\"jkt\":null")
                .contains("\"latency_us\":123");
    }

    @Test
    void eventsAreWrittenInBatchesAndClosingWritesWhatIsQueued() {
        List<String> ids = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        DecisionSink sink = new DecisionSink() {
            @Override
            public void write(DecisionEvent event, byte[] json, int length) {
                ids.add(event.decisionId());
            }

            @Override
            public void flush() {
                flushes.incrementAndGet();
            }
        };
        try (DecisionLog log = new DecisionLog(4096, List.of(sink))) {
            for (int i = 0; i < 1000; i++) {
                log.record(event("e" + i));
            }
        }
        assertThat(ids).hasSize(1000).startsWith("e0", "e1").endsWith("e999");
        assertThat(flushes.get()).as("one write per batch, not per event").isLessThan(100);
    }

    /**
     * Every request records from an event loop, several at once while the writer drains. A queue with a lock parks the
     * loser of that race: BlockHound (installed for every test JVM) reports it on Reactor's non-blocking threads, and in
     * the admin API it surfaced as an intermittent 500 with no body.
     */
    @Test
    void eventLoopsRecordConcurrentlyWithoutEverParking() {
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        int rails = 4;
        int perRail = 20_000;
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (DecisionLog log = new DecisionLog(rails * perRail, List.of((e, json, length) -> written.incrementAndGet()))) {
            reactor.core.publisher.Flux.range(0, rails)
                    .parallel(rails).runOn(reactor.core.scheduler.Schedulers.parallel())
                    .doOnNext(rail -> {
                        for (int i = 0; i < perRail; i++) {
                            try {
                                log.record(event("r" + rail + "-" + i));
                            } catch (Throwable t) {
                                errors.add(t);
                                return;
                            }
                        }
                    })
                    .sequential().blockLast(java.time.Duration.ofSeconds(60));
            assertThat(log.droppedCount()).isZero();
        }
        assertThat(errors).as("recording blocked an event loop").isEmpty();
        assertThat(written.get()).isEqualTo(rails * perRail);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        try (DecisionLog log = new DecisionLog(2, /* the event being written still holds its room */ List.of((e, json, length) -> {
            first.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }))) {
            log.record(event("held-by-writer"));
            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            log.record(event("queued"));
            long before = System.nanoTime();
            log.record(event("dropped"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(100);
            assertThat(log.droppedCount()).isEqualTo(1);
            release.countDown();
        }
    }

    /** A sink that holds the writer on its first event until released: the queue fills deterministically. */
    static final class StalledSink implements DecisionSink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> ids = new CopyOnWriteArrayList<>();

        @Override
        public void write(DecisionEvent event, byte[] json, int length) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ids.add(event.decisionId());
        }
    }

    @Test
    void dropModeCountsWhatDidNotFitAndServesOn() throws Exception {
        StalledSink sink = new StalledSink();
        try (DecisionLog log = new DecisionLog(3, DecisionLog.Overflow.DROP, List.of(sink))) {
            assertThat(log.record(event("first"))).isTrue();
            assertThat(sink.entered.await(5, TimeUnit.SECONDS)).isTrue();
            // The writer holds "first" (its room is not given back until written); two more fit, the rest do not.
            assertThat(log.record(event("a"))).isTrue();
            assertThat(log.record(event("b"))).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(log.record(event("x" + i))).isFalse();
            }
            assertThat(log.droppedCount()).isEqualTo(5);
            assertThat(log.freeCapacity()).isZero();
            sink.release.countDown();
        }
        assertThat(sink.ids).containsExactly("first", "a", "b");
    }

    @Test
    void refuseModeReservesRoomBeforeTheDecisionAndHasNoneToGiveWhenFull() throws Exception {
        StalledSink sink = new StalledSink();
        try (DecisionLog log = new DecisionLog(2, DecisionLog.Overflow.REFUSE, List.of(sink))) {
            assertThat(log.overflow()).isEqualTo(DecisionLog.Overflow.REFUSE);
            assertThat(log.reserve()).isTrue();
            log.recordReserved(event("first"));
            assertThat(sink.entered.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(log.reserve()).as("one slot left").isTrue();
            assertThat(log.reserve()).as("full: the request is to be refused").isFalse();
            log.refused();
            assertThat(log.refusedCount()).isEqualTo(1);
            log.recordReserved(event("second"));
            sink.release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (log.freeCapacity() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(log.freeCapacity()).as("room comes back as the log drains").isEqualTo(2);
            assertThat(log.reserve()).isTrue();
            log.recordReserved(event("third"));
        }
        assertThat(sink.ids).containsExactly("first", "second", "third");
        assertThat(DecisionLog.Overflow.parse(null)).isEqualTo(DecisionLog.Overflow.DROP);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DecisionLog.Overflow.parse("block"))
                .hasMessageContaining("drop or refuse");
    }

    /** A sink whose disk is full while {@code full} is set: it throws, as FileDecisionSink does, and keeps nothing. */
    static final class FullDiskSink implements DecisionSink {
        volatile boolean full;
        final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        final List<String> batch = new java.util.ArrayList<>();
        final List<String> ids = new CopyOnWriteArrayList<>();

        @Override
        public void write(DecisionEvent event, byte[] json, int length) {
            batch.add(event.decisionId());
        }

        @Override
        public void flush() {
            if (full) {
                batch.clear();
                failures.incrementAndGet();
                throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
            }
            ids.addAll(batch);
            batch.clear();
        }
    }

    /**
     * A full disk under overflow: drop loses the failed batches' lines, counted, serves on, and the writer outlives the
     * failure: lines recorded after the disk has room again are written.
     */
    @Test
    void dropModeCountsWhatTheDiskCouldNotTakeAndWritesAgainOnceItCan() {
        FullDiskSink sink = new FullDiskSink();
        sink.full = true;
        try (DecisionLog log = new DecisionLog(64, List.of(sink))) {
            for (int i = 0; i < 5; i++) {
                assertThat(log.record(event("lost-" + i))).as("drop mode: a request is not refused").isTrue();
            }
            dev.tollgate.gateway.testsupport.Conditions.await(() -> log.failedCount() == 5);
            assertThat(log.failing()).isTrue();
            assertThat(log.reserve()).as("drop mode serves while failing").isTrue();
            log.recordReserved(event("lost-5"));
            dev.tollgate.gateway.testsupport.Conditions.await(() -> log.failedCount() == 6);
            sink.full = false;
            log.record(event("kept"));
            // Failed events gave their room back; the first batch written ends the failure.
            dev.tollgate.gateway.testsupport.Conditions.await(() -> sink.ids.contains("kept") && !log.failing()
                    && log.freeCapacity() == 64);
        }
        assertThat(sink.ids).containsExactly("kept");
    }

    /**
     * Overflow: refuse is "no request served without its line", so a full disk must not lose one: the batch that failed
     * is offered again, requests are refused meanwhile, and every line is written, in order, once the disk has room.
     */
    @Test
    void refuseModeKeepsTheFailedBatchRefusesMeanwhileAndLosesNoLine() {
        FullDiskSink sink = new FullDiskSink();
        sink.full = true;
        try (DecisionLog log = new DecisionLog(64, DecisionLog.Overflow.REFUSE, List.of(sink))) {
            assertThat(log.reserve()).isTrue();
            log.recordReserved(event("first"));
            dev.tollgate.gateway.testsupport.Conditions.await(log::failing);
            assertThat(log.reserve()).as("no line can be written: refuse").isFalse();
            dev.tollgate.gateway.testsupport.Conditions.await(() -> sink.failures.get() >= 2); // offered again
            assertThat(log.freeCapacity()).as("the failed batch keeps its room").isEqualTo(63);
            sink.full = false;
            dev.tollgate.gateway.testsupport.Conditions.await(() -> !log.failing());
            assertThat(log.reserve()).isTrue();
            log.recordReserved(event("second"));
            dev.tollgate.gateway.testsupport.Conditions.await(() -> sink.ids.size() == 2);
            assertThat(log.failedCount()).isZero();
        }
        assertThat(sink.ids).containsExactly("first", "second");
    }

    /** With two sinks, the one that failed gets the batch again; the one that took it does not get it twice. */
    @Test
    void aBatchIsOfferedAgainOnlyToTheSinkThatFailed() {
        FullDiskSink file = new FullDiskSink();
        FullDiskSink stdout = new FullDiskSink();
        file.full = true;
        try (DecisionLog log = new DecisionLog(64, DecisionLog.Overflow.REFUSE, List.of(file, stdout))) {
            assertThat(log.reserve()).isTrue();
            log.recordReserved(event("only"));
            dev.tollgate.gateway.testsupport.Conditions.await(() -> file.failures.get() >= 2);
            file.full = false;
            dev.tollgate.gateway.testsupport.Conditions.await(() -> !log.failing());
        }
        assertThat(file.ids).containsExactly("only");
        assertThat(stdout.ids).containsExactly("only");
    }
}
