package dev.tollgate.gateway.route;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.problem.ProblemResponses;
import dev.tollgate.gateway.problem.RequestRejectedException;
import java.time.Clock;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses, before any route is chosen, a request whose path has more than one reading ({@link RequestPaths}): 400
 * {@code request.path}, with its decision-log line like every other refusal. Before routing, so that neither a
 * route's predicates nor its policy see a path the upstream would read differently; on every route, public ones too.
 */
public final class RequestPathFilter implements WebFilter, Ordered {

    static final String REASON = "request.path";

    private final boolean allowEncodedSlashes;
    private final DecisionLog decisionLog;
    private final DecisionMetrics metrics;
    private final Clock clock;

    public RequestPathFilter(boolean allowEncodedSlashes, DecisionLog decisionLog, DecisionMetrics metrics,
                             Clock clock) {
        this.allowEncodedSlashes = allowEncodedSlashes;
        this.decisionLog = decisionLog;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String refusal = request.getURI().getRawFragment() != null ? "the request target must not contain '#'"
                : RequestPaths.refusal(request.getURI().getRawPath(), allowEncodedSlashes);
        if (refusal == null) {
            return chain.filter(exchange);
        }
        String id = DecisionIds.next();
        metrics.record(null, "DENY", REASON, false);
        decisionLog.record(new DecisionEvent(id, clock.instant(), null, null, null, null,
                request.getMethod().name(), request.getURI().getRawPath(), "DENY", 400, REASON, List.of(), null,
                List.of(), null, null, null, null, null, false, null, List.of(refusal), 0, null));
        return ProblemResponses.write(exchange.getResponse(), RequestRejectedException.badRequest(REASON, refusal), id);
    }

    /** First: before the gateway's handler mapping chooses a route by the path. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
