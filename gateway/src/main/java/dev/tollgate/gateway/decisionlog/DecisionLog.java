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
 * The writer wakes every {@link #BATCH_INTERVAL} (sooner when the queue fills past a quarter) and writes what has
 * gathered in one go. Waking it for every event cost a thread hand-off, a context switch and a write per request —
 * about 70 µs of CPU per request on a one-core gateway, more than the whole policy decision.
 */
public final class DecisionLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

    /** How long an event may wait to be written with the ones after it. */
    static final Duration BATCH_INTERVAL = Duration.ofMillis(20);

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
     * Reserves room for one event, to be filled by {@link #recordReserved}; {@code false} when the log is full. Every
     * reservation must be filled exactly once.
     */
    public boolean reserve() {
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
        while (true) {
            boolean stopping = !running;
            queue.drain(batch::add);
            for (DecisionEvent event : batch) {
                write(event);
                free.incrementAndGet();
            }
            if (!batch.isEmpty()) {
                sinks.forEach(DecisionSink::flush);
                batch.clear();
            }
            if (stopping && queue.isEmpty()) {
                return;
            }
            if (queue.isEmpty()) {
                LockSupport.parkNanos(this, BATCH_INTERVAL.toNanos());
            }
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    private void write(DecisionEvent event) {
        line.reset();
        try {
            encoder.encode(event, line);
        } catch (RuntimeException e) {
            // An event that cannot be encoded must not stop the writer, which serves every request after it.
            log.warn("decision {} could not be encoded, not written: {}", event.decisionId(), e.toString());
            countDropped();
            return;
        }
        for (DecisionSink sink : sinks) {
            try {
                sink.write(event, line.bytes(), line.size());
            } catch (RuntimeException e) {
                log.warn("decision sink {} failed: {}", sink.getClass().getSimpleName(), e.toString());
            }
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
