package dev.tollgate.gateway.decisionlog;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one event per request. {@link #record} never blocks a request thread: events go into a bounded
 * queue drained by one writer thread that encodes and writes them. If the queue is ever full the event is counted as
 * dropped (a metric and a warning) rather than stalling the event loop; size the queue so that never happens.
 */
public final class DecisionLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

    private final BlockingQueue<DecisionEvent> queue;
    private final List<DecisionSink> sinks = new CopyOnWriteArrayList<>();
    private final DecisionEventEncoder encoder = new DecisionEventEncoder();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    public DecisionLog(int capacity, List<DecisionSink> sinks) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sinks.addAll(sinks);
        this.writer = new Thread(this::drain, "tollgate-decision-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues an event; never blocks. */
    public void record(DecisionEvent event) {
        if (queue.offer(event)) {
            recorded.incrementAndGet();
        } else if (dropped.incrementAndGet() % 1000 == 1) {
            log.warn("decision log queue full: {} events dropped so far", dropped.get());
        }
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
        while (running || !queue.isEmpty()) {
            try {
                DecisionEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
                if (event == null) {
                    sinks.forEach(DecisionSink::flush);
                    continue;
                }
                String json = encoder.encode(event);
                for (DecisionSink sink : sinks) {
                    try {
                        sink.write(event, json);
                    } catch (RuntimeException e) {
                        log.warn("decision sink {} failed: {}", sink.getClass().getSimpleName(), e.toString());
                    }
                }
                if (queue.isEmpty()) {
                    sinks.forEach(DecisionSink::flush);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sinks.forEach(DecisionSink::flush);
    }
}
