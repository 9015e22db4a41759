package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionSink;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps decision-log events in memory so a test can find the one for its request. */
public final class RecordingDecisionSink implements DecisionSink {

    private final Map<String, DecisionEvent> events = new ConcurrentHashMap<>();
    private final Map<String, String> json = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> counts = new ConcurrentHashMap<>();

    @Override
    public void write(DecisionEvent event, byte[] line, int length) {
        counts.computeIfAbsent(event.decisionId(), k -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
        events.put(event.decisionId(), event);
        json.put(event.decisionId(), new String(line, 0, length, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Waits (bounded) for the writer thread to deliver the event. */
    public DecisionEvent await(String decisionId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            DecisionEvent e = events.get(decisionId);
            if (e != null) {
                return e;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no decision-log event " + decisionId);
    }

    /** Waits (bounded) for an event that matches, and returns it. */
    public DecisionEvent awaitMatching(java.util.function.Predicate<DecisionEvent> matching) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (DecisionEvent e : events.values()) {
                if (matching.test(e)) {
                    return e;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no matching decision-log event");
    }

    /** Every event delivered so far. */
    public java.util.List<DecisionEvent> events() {
        return java.util.List.copyOf(events.values());
    }

    public String jsonOf(String decisionId) {
        await(decisionId);
        return json.get(decisionId);
    }

    /** How many events carried this decision id: each request must leave exactly one. */
    public int count(String decisionId) {
        var c = counts.get(decisionId);
        return c == null ? 0 : c.get();
    }

    /** Waits (bounded) for the event of the one request to {@code path}. */
    public DecisionEvent awaitPath(String path) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (DecisionEvent e : events.values()) {
                if (path.equals(e.path())) {
                    return e;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no decision-log event for " + path);
    }

    public int size() {
        return events.size();
    }
}
