package dev.tollgate.gateway.decisionlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one event per request. {@link #record} never blocks a request thread: events go into a bounded,
 * lock-free queue (many producers, one consumer) drained by one writer thread that encodes and writes them. A locking
 * queue would park an event loop whenever another one, or the writer draining, held its lock: under BlockHound that
 * was an intermittent 500, in production a stalled event loop. What happens when the queue is full is the
 * operator's choice ({@link Overflow}): {@code drop} counts the event as dropped and serves the request; {@code refuse}
 * lets an enforcing route {@link #reserve() reserve} room for its event before it decides, and answer 503 when there is
 * none, so that no request is served without its line. Either way the count is a metric.
 * <p>
 * A sink can fail to write (a full disk). With {@code drop} the batch is counted lost ({@code failed}) and requests
 * are served; with {@code refuse} the batch keeps its room and is offered again every {@link #RETRY_INTERVAL}, and
 * enforcing routes answer 503 until it is written, so the outage costs availability, never a line. The writer thread
 * outlives every failure: a sink that throws is the sink's problem, never the end of the audit trail.
 * <p>
 * The writer wakes every {@link #BATCH_INTERVAL} (sooner when the queue fills past a quarter) and writes what has
 * gathered in one go. Waking it for every event cost a thread hand-off, a context switch and a write per request —
 * about 70 µs of CPU per request on a one-core gateway, more than the whole policy decision.
 */
public final class DecisionLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

    /** How long an event may wait to be written with the ones after it. */
    static final Duration BATCH_INTERVAL = Duration.ofMillis(20);
    /** How often a batch a sink could not write is offered to it again (overflow: refuse). */
    static final Duration RETRY_INTERVAL = Duration.ofMillis(250);

    /** What a full queue means for requests. */
    public enum Overflow {
        /** Serve the request; its event is dropped and counted. */
        DROP,
        /** Answer 503 on enforcing routes until the log has drained; counted as refused. */
        REFUSE;

        public static Overflow parse(String value) {
            if (value == null || value.isBlank()) {
                return DROP;
            }
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tollgate.decision-log.overflow must be drop or refuse, not '"
                        + value + "'");
            }
        }
    }

    private final MessagePassingQueue<DecisionEvent> queue;
    private final Overflow overflow;
    /** Room left: queue slots not taken by a queued event nor reserved by a request still being decided. */
    private final java.util.concurrent.atomic.AtomicInteger free;
    private final AtomicLong refused = new AtomicLong();
    private final int urgentRemaining;
    private final List<DecisionSink> sinks = new CopyOnWriteArrayList<>();
    private final DecisionEventEncoder encoder = new DecisionEventEncoder();
    /** The writer thread's line: each event is encoded into it once, for every sink. */
    private final LineBuffer line = new LineBuffer();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Events a sink could not write and that were given up (overflow: drop, or at shutdown). */
    private final AtomicLong failed = new AtomicLong();
    /** The last batch failed in some sink; cleared by the first batch every sink takes. */
    private volatile boolean failing;
    private final Thread writer;
    private volatile boolean running = true;

    public DecisionLog(int capacity, List<DecisionSink> sinks) {
        this(capacity, Overflow.DROP, sinks);
    }

    public DecisionLog(int capacity, Overflow overflow, List<DecisionSink> sinks) {
        // Rounded up to a power of two inside; the reservation count below keeps the bound at exactly capacity.
        this.queue = new MpscVarHandleArrayQueue<>(Math.max(2, capacity));
        this.overflow = overflow;
        this.free = new java.util.concurrent.atomic.AtomicInteger(capacity);
        this.urgentRemaining = Math.max(1, capacity * 3 / 4);
        this.sinks.addAll(sinks);
        this.writer = new Thread(this::drain, "tollgate-decision-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    public Overflow overflow() {
        return overflow;
    }

    /**
     * Whether the log cannot write now (a full disk, an I/O error): from the first failed batch until a batch is
     * written again. With {@link Overflow#REFUSE} nothing can be {@link #reserve() reserved} meanwhile.
     */
    public boolean failing() {
        return failing;
    }

    /** Events a sink could not write and that were given up. */
    public long failedCount() {
        return failed.get();
    }

    /**
     * Reserves room for one event, to be filled by {@link #recordReserved}; {@code false} when the log is full. Every
     * reservation must be filled exactly once.
     */
    public boolean reserve() {
        if (failing && overflow == Overflow.REFUSE) {
            return false; // no line can be written now: the request would be served without one
        }
        while (true) {
            int f = free.get();
            if (f <= 0) {
                return false;
            }
            if (free.compareAndSet(f, f - 1)) {
                return true;
            }
        }
    }

    /** Queues an event into room reserved for it; never blocks. */
    public void recordReserved(DecisionEvent event) {
        if (!queue.offer(event)) {
            free.incrementAndGet(); // cannot happen while reservations are honoured; never lose the slot
            countDropped();
            return;
        }
        recorded.incrementAndGet();
        if (free.get() < urgentRemaining) {
            LockSupport.unpark(writer);
        }
    }

    /** Queues an event if there is room, else counts it dropped; never blocks. */
    public boolean record(DecisionEvent event) {
        if (!reserve()) {
            countDropped();
            return false;
        }
        recordReserved(event);
        return true;
    }

    /** Counts a request refused because the log was full ({@link Overflow#REFUSE}). */
    public void refused() {
        if (refused.incrementAndGet() % 1000 == 1) {
            log.warn("decision log full: {} requests refused so far (decision-log.overflow: refuse)", refused.get());
        }
    }

    private void countDropped() {
        if (dropped.incrementAndGet() % 1000 == 1) {
            log.warn("decision log queue full: {} events dropped so far", dropped.get());
        }
    }

    public long refusedCount() {
        return refused.get();
    }

    /** Room left for events. */
    public int freeCapacity() {
        return free.get();
    }

    public void addSink(DecisionSink sink) {
        sinks.add(sink);
    }

    public void removeSink(DecisionSink sink) {
        sinks.remove(sink);
    }

    public long recordedCount() {
        return recorded.get();
    }

    public long droppedCount() {
        return dropped.get();
    }

    private void drain() {
        List<DecisionEvent> batch = new ArrayList<>();
        // Sinks that have yet to take the batch in hand: with overflow: refuse, a batch a sink could not write keeps
        // its room and is offered to that sink again, so that no line is lost while the disk is full.
        List<DecisionSink> owing = List.of();
        while (true) {
            boolean stopping = !running;
            if (owing.isEmpty()) {
                queue.drain(batch::add);
                owing = batch.isEmpty() ? List.of() : writeBatch(batch, sinks);
            } else {
                owing = writeBatch(batch, owing);
            }
            if (!batch.isEmpty()) {
                if (owing.isEmpty()) {
                    recovered();
                } else if (overflow == Overflow.DROP || stopping) {
                    lost(batch.size());
                    owing = List.of();
                }
                if (owing.isEmpty()) {
                    free.addAndGet(batch.size());
                    batch.clear();
                }
            }
            if (stopping && owing.isEmpty() && queue.isEmpty()) {
                return;
            }
            if (!owing.isEmpty()) {
                LockSupport.parkNanos(this, RETRY_INTERVAL.toNanos());
            } else if (queue.isEmpty()) {
                LockSupport.parkNanos(this, BATCH_INTERVAL.toNanos());
            }
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** Writes and flushes the batch to each sink; returns the sinks that failed (they threw the batch away). */
    private List<DecisionSink> writeBatch(List<DecisionEvent> batch, List<DecisionSink> targets) {
        List<DecisionSink> failedSinks = null;
        for (DecisionEvent event : batch) {
            line.reset();
            try {
                encoder.encode(event, line);
            } catch (RuntimeException e) {
                // An event that cannot be encoded must not stop the writer, which serves every request after it.
                log.warn("decision {} could not be encoded, not written: {}", event.decisionId(), e.toString());
                countDropped();
                continue;
            }
            for (DecisionSink sink : targets) {
                if (failedSinks != null && failedSinks.contains(sink)) {
                    continue;
                }
                try {
                    sink.write(event, line.bytes(), line.size());
                } catch (RuntimeException e) {
                    failedSinks = sinkFailed(failedSinks, sink, e);
                }
            }
        }
        for (DecisionSink sink : targets) {
            if (failedSinks != null && failedSinks.contains(sink)) {
                continue;
            }
            try {
                sink.flush();
            } catch (RuntimeException e) {
                failedSinks = sinkFailed(failedSinks, sink, e);
            }
        }
        return failedSinks == null ? List.of() : failedSinks;
    }

    private List<DecisionSink> sinkFailed(List<DecisionSink> failedSinks, DecisionSink sink, RuntimeException e) {
        if (!failing) {
            failing = true;
            // Once per outage, not per event: a full disk must not become a flood of warnings too.
            log.warn("decision log cannot write ({}); {}", e.getMessage(), overflow == Overflow.REFUSE
                    ? "enforcing routes answer 503 decision-log.unavailable until it can"
                    : "requests are served and their lines counted in tollgate.decision_log.failed until it can");
        }
        List<DecisionSink> list = failedSinks == null ? new ArrayList<>(1) : failedSinks;
        list.add(sink);
        return list;
    }

    private void lost(int events) {
        failed.addAndGet(events);
    }

    private void recovered() {
        if (failing) {
            failing = false;
            log.warn("decision log writes again ({} events lost to write failures so far)", failed.get());
        }
    }

    /** A byte buffer that lends its array (only the writer thread touches it). */
    private static final class LineBuffer extends java.io.ByteArrayOutputStream {
        LineBuffer() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sinks.forEach(DecisionSink::flush);
    }
}
