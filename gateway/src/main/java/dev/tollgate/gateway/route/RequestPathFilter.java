package dev.tollgate.gateway.route;

import dev.tollgate.gateway.problem.ProblemResponses;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
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

    private final boolean allowEncodedSlashes;
    private final PathRefusals refusals;

    public RequestPathFilter(boolean allowEncodedSlashes, PathRefusals refusals) {
        this.allowEncodedSlashes = allowEncodedSlashes;
        this.refusals = refusals;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        java.net.URI uri = request.getURI();
        String refusal = uri.getRawFragment() != null ? "the request target must not contain '#'"
                : RequestPaths.refusal(uri.getRawPath(), allowEncodedSlashes);
        if (refusal == null && reencoded(uri)) {
            refusal = "the request target is partly percent-encoded: encode every character RFC 3986 does not allow"
                    + " as it stands ('[', ']', non-ASCII) too";
        }
        if (refusal == null) {
            return chain.filter(exchange);
        }
        String id = refusals.record(request.getMethod().name(), uri.getRawPath(), refusal);
        return ProblemResponses.write(exchange.getResponse(), PathRefusals.rejection(refusal), id);
    }

    /**
     * Whether Spring Cloud Gateway would encode this target again when it builds the upstream URL: a target with
     * escapes and also a character that is not allowed unescaped (a query's {@code [status]}) counts as not encoded,
     * and every {@code %} becomes {@code %25} — the upstream would get {@code caf%25C3%25A9} for the
     * {@code caf%C3%A9} policy decided on (spring-cloud-gateway issue 2065).
     */
    private static boolean reencoded(java.net.URI uri) {
        boolean escaped = uri.getRawPath().indexOf('%') >= 0
                || uri.getRawQuery() != null && uri.getRawQuery().indexOf('%') >= 0;
        return escaped && !ServerWebExchangeUtils.containsEncodedParts(uri);
    }

    /** First: before the gateway's handler mapping chooses a route by the path. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
