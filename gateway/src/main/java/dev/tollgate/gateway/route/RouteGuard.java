package dev.tollgate.gateway.route;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.problem.ProblemResponses;
import dev.tollgate.gateway.problem.RequestRejectedException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Fail closed on routes that forgot the {@code Tollgate} filter: a route is proxied only if it went through
 * enforcement, or its metadata says {@code tollgate-public: true} explicitly. (Forged identity headers never reach an
 * upstream, public route or not: {@link dev.tollgate.gateway.forward.ForwardedHeaders} removes them.)
 * <p>
 * Like enforcement, it leaves one decision-log line for each request it answers: a refused unprotected route
 * ({@code route.unprotected}), and a public one ({@code route.public}, with the upstream's status).
 */
public class RouteGuard implements GlobalFilter, Ordered {

    public static final String PUBLIC_METADATA = "tollgate-public";

    private static final Logger log = LoggerFactory.getLogger(RouteGuard.class);

    private final DecisionLog decisionLog;
    private final DecisionMetrics metrics;
    private final Clock clock;

    public RouteGuard(DecisionLog decisionLog, DecisionMetrics metrics, Clock clock) {
        this.decisionLog = decisionLog;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (exchange.getAttribute(TollgateFilter.ENFORCED_ATTR) != null) {
            return chain.filter(exchange);
        }
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String routeId = route == null ? null : route.getId();
        String id = DecisionIds.next();
        long start = System.nanoTime();
        if (route != null && Boolean.parseBoolean(String.valueOf(route.getMetadata().get(PUBLIC_METADATA)))) {
            // Forged identity headers are removed from what is proxied by ForwardedHeaders, on every route.
            return chain.filter(exchange)
                    .doFinally(signal -> {
                        // The upstream's time, as enforced routes report it (SCG's own request timer is off).
                        metrics.phase(routeId, "upstream", System.nanoTime() - start);
                        var status = exchange.getResponse().getStatusCode();
                        record(exchange, id, routeId, "ALLOW", status == null ? null : status.value(), "route.public",
                                start);
                    });
        }
        log.error("route {} has no Tollgate filter and is not marked {}: refusing (decision {})",
                routeId == null ? "?" : routeId, PUBLIC_METADATA, id);
        record(exchange, id, routeId, "DENY", 403, "route.unprotected", start);
        return ProblemResponses.write(exchange.getResponse(), RequestRejectedException.forbidden("route.unprotected",
                "this route is not configured for access", List.of()), id);
    }

    private void record(ServerWebExchange exchange, String id, String routeId, String effect, Integer status,
                        String reason, long start) {
        ServerHttpRequest request = exchange.getRequest();
        metrics.record(routeId, effect, reason, false);
        decisionLog.record(DecisionEvent.of(id, clock.instant()).outcome(effect, status, reason).route(routeId)
                .request(request.getMethod().name(), request.getPath().value())
                .latencyMicros((System.nanoTime() - start) / 1000).build());
    }

    /** After every route filter (which default to small orders), before the routing filters proxy the request. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 100;
    }
}
