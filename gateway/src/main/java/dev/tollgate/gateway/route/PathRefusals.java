package dev.tollgate.gateway.route;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.problem.RequestRejectedException;
import java.time.Clock;
import java.util.List;

/**
 * A request refused before any route is chosen because its target has no single reading, or none at all: 400
 * {@code request.path}, counted and given its decision-log line the same way by each place that refuses one
 * ({@link RequestPathFilter} in Spring's chain, {@link MalformedTargetRoute} in front of it); and a request head the
 * HTTP decoder could not read ({@link UndecodableRequests}, below both), with its own status and reason.
 */
public final class PathRefusals {

    static final String REASON = "request.path";

    private final DecisionLog decisionLog;
    private final DecisionMetrics metrics;
    private final Clock clock;

    public PathRefusals(DecisionLog decisionLog, DecisionMetrics metrics, Clock clock) {
        this.decisionLog = decisionLog;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Counts and logs the refusal; returns its decision id, for the problem document. */
    String record(String method, String path, String refusal) {
        return record(method, path, 400, REASON, refusal);
    }

    /** The same for a refusal with its own status and reason (a request head the HTTP decoder could not read). */
    String record(String method, String path, int status, String reason, String refusal) {
        String id = DecisionIds.next();
        metrics.record(null, "DENY", reason, false);
        decisionLog.record(DecisionEvent.of(id, clock.instant()).outcome("DENY", status, reason)
                .request(method, path).errors(List.of(refusal)).build());
        return id;
    }

    static RequestRejectedException rejection(String refusal) {
        return RequestRejectedException.badRequest(REASON, refusal);
    }
}
