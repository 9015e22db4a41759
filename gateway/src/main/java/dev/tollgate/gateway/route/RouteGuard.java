package dev.tollgate.gateway.route;

import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.forward.IdentityHeaders;
import dev.tollgate.gateway.problem.ProblemResponses;
import dev.tollgate.gateway.problem.RequestRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Fail closed on routes that forgot the {@code Tollgate} filter: a route is proxied only if it went through
 * enforcement, or its metadata says {@code tollgate-public: true} explicitly. Also removes forged identity headers on
 * public routes, so no upstream ever sees an {@code X-Tollgate-*} header Tollgate did not set.
 */
public class RouteGuard implements GlobalFilter, Ordered {

    public static final String PUBLIC_METADATA = "tollgate-public";

    private static final Logger log = LoggerFactory.getLogger(RouteGuard.class);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (exchange.getAttribute(TollgateFilter.ENFORCED_ATTR) != null) {
            return chain.filter(exchange);
        }
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route != null && Boolean.parseBoolean(String.valueOf(route.getMetadata().get(PUBLIC_METADATA)))) {
            return chain.filter(exchange.mutate()
                    .request(r -> r.headers(IdentityHeaders::removeForged)).build());
        }
        String id = DecisionIds.next();
        log.error("route {} has no Tollgate filter and is not marked {}: refusing (decision {})",
                route == null ? "?" : route.getId(), PUBLIC_METADATA, id);
        return ProblemResponses.write(exchange.getResponse(), RequestRejectedException.forbidden("route.unprotected",
                "this route is not configured for access", java.util.List.of()), id);
    }

    /** After every route filter (which default to small orders), before the routing filters proxy the request. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 100;
    }
}
