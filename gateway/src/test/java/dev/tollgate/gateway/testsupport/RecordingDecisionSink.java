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

    @Override
    public void write(DecisionEvent event, String line) {
        events.put(event.decisionId(), event);
        json.put(event.decisionId(), line);
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

    public String jsonOf(String decisionId) {
        await(decisionId);
        return json.get(decisionId);
    }

    public int size() {
        return events.size();
    }
}
