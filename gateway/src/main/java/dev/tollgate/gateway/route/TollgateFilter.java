package dev.tollgate.gateway.route;

import dev.tollgate.gateway.authn.Authentication;
import dev.tollgate.gateway.authn.Authenticator;
import dev.tollgate.gateway.authz.Authorization;
import dev.tollgate.gateway.authz.AuthorizationService;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.fallback.FallbackTaken;
import dev.tollgate.gateway.dpop.DPoPNonces;
import dev.tollgate.gateway.forward.IdentityHeaders;
import dev.tollgate.gateway.forward.UpstreamFailures;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.problem.ProblemResponses;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.policy.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * One route's enforcement, in the order of DESIGN.md: authenticate and bind → tenant → authorize → record → forward.
 * Every request ends in exactly one decision-log event, whatever the outcome.
 */
public final class TollgateFilter implements GatewayFilter {

    /** Exchange attribute set when a request went through enforcement; {@link RouteGuard} refuses requests without it. */
    public static final String ENFORCED_ATTR = TollgateFilter.class.getName() + ".decisionId";

    private static final Logger log = LoggerFactory.getLogger(TollgateFilter.class);

    /** What the filter needs from the application; one instance shared by every route. */
    public record Collaborators(Authenticator authenticator, AuthorizationService authorization,
                                DecisionLog decisionLog, Clock clock, DecisionMetrics metrics, DPoPNonces nonces) {
    }

    private final RouteSecurity route;
    private final Collaborators c;

    TollgateFilter(RouteSecurity route, Collaborators collaborators) {
        this.route = route;
        this.c = collaborators;
    }

    public RouteSecurity route() {
        return route;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long start = System.nanoTime();
        String decisionId = DecisionIds.next();
        exchange.getAttributes().put(ENFORCED_ATTR, decisionId);
        Trace trace = new Trace(decisionId, start, routeId(exchange));
        trace.reserved = c.decisionLog().reserve();
        if (!trace.reserved && c.decisionLog().overflow() == DecisionLog.Overflow.REFUSE) {
            // No room for this request's line: with overflow: refuse, no request is served without its evidence.
            c.decisionLog().refused();
            c.metrics().record(trace.routeId, "ERROR", "decision-log.full", false);
            return ProblemResponses.write(exchange.getResponse(), RequestRejectedException.unavailable(
                    "decision-log.full", "the decision log cannot take more events now; try again shortly",
                    java.time.Duration.ofSeconds(1)), decisionId);
        }
        return c.authenticator().authenticate(exchange, route)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("authenticator completed empty")))
                .flatMap(authentication -> {
                    trace.authentication = authentication;
                    trace.authenticatedNanos = System.nanoTime();
                    checkTenant(authentication.principal());
                    return c.authorization().authorize(exchange.getRequest(), trace.routeId, route, authentication);
                })
                .map(authorization -> {
                    trace.authorization = authorization;
                    trace.authorizedNanos = System.nanoTime();
                    if (!authorization.allowed()) {
                        throw RequestRejectedException.forbidden("policy.denied",
                                "the tenant's policy does not allow this request", authorization.decidingRules());
                    }
                    return authorization;
                })
                .map(allowed -> Optional.<RequestRejectedException>empty())
                .onErrorResume(e -> Mono.just(Optional.of(asRejection(e, trace))))
                .flatMap(rejection -> rejection.isPresent()
                        ? reject(exchange, trace, rejection.get())
                        : forward(exchange, chain, trace))
                // Exactly one line per request: an allowed one once the upstream's answer is known, and one for a
                // request whose caller went away before any decision was recorded.
                .doFinally(signal -> {
                    if (trace.recorded) {
                        return;
                    }
                    if (trace.allowed) {
                        record(exchange, trace, "ALLOW", finalStatus(exchange, signal), "policy.permit");
                    } else {
                        record(exchange, trace, "ERROR", null, "request.cancelled");
                    }
                });
    }

    /** The status the caller got, or {@code null} when it went away before the answer began. */
    private static Integer finalStatus(ServerWebExchange exchange, SignalType signal) {
        if (signal == SignalType.CANCEL && !exchange.getResponse().isCommitted()) {
            return null;
        }
        var status = exchange.getResponse().getStatusCode();
        return status == null ? null : status.value();
    }

    private void checkTenant(Principal principal) {
        if (!Objects.equals(principal.tenant(), route.tenant())) {
            throw RequestRejectedException.forbidden("tenant.mismatch",
                    "the caller's tenant does not own this route", List.of());
        }
    }

    private Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, Trace trace) {
        Authentication authentication = trace.authentication;
        ServerHttpRequest request = exchange.getRequest().mutate().headers(h -> {
            IdentityHeaders.removeForged(h);
            if (!route.forwardCredentials()) {
                IdentityHeaders.stripCredentials(h);
            }
            IdentityHeaders.add(h, authentication, trace.decisionId);
        }).build();
        if (route.dpopNonce()) {
            // RFC 9449 section 8.2: a fresh nonce on success spares the client a use_dpop_nonce round trip later.
            exchange.getResponse().getHeaders().set(DPoPNonces.HEADER, c.nonces().current());
        }
        trace.allowed = true;
        trace.forwardedNanos = System.nanoTime();
        return chain.filter(exchange.mutate().request(request).build())
                .onErrorResume(e -> upstreamFailed(exchange, trace, e));
    }

    /** The allowed request's upstream failed: a 502/504 problem, unless the upstream's response has already begun. */
    private Mono<Void> upstreamFailed(ServerWebExchange exchange, Trace trace, Throwable e) {
        RequestRejectedException answer = UpstreamFailures.classify(e);
        if (answer == null || exchange.getResponse().isCommitted()) {
            return Mono.error(e);
        }
        log.warn("decision {}: upstream of route {} failed ({}): {}", trace.decisionId, trace.routeId, answer.code(),
                e.toString());
        exchange.getResponse().getHeaders().clear();
        return ProblemResponses.write(exchange.getResponse(), answer, trace.decisionId);
    }

    private Mono<Void> reject(ServerWebExchange exchange, Trace trace, RequestRejectedException rejection) {
        trace.rejection = rejection;
        record(exchange, trace, rejection.kind().effect(), rejection.kind().status().value(), rejection.code());
        return ProblemResponses.write(exchange.getResponse(), rejection, trace.decisionId);
    }

    private RequestRejectedException asRejection(Throwable e, Trace trace) {
        if (e instanceof RequestRejectedException r) {
            return r;
        }
        log.error("decision {} failed unexpectedly; refusing the request", trace.decisionId, e);
        return RequestRejectedException.internal();
    }

    private void record(ServerWebExchange exchange, Trace t, String effect, Integer status, String reason) {
        t.recorded = true;
        ServerHttpRequest request = exchange.getRequest();
        Authentication a = t.authentication != null ? t.authentication
                : exchange.getAttribute(Authenticator.IDENTIFIED_ATTR);
        FallbackTaken authnFallback = a == null ? null : a.fallback();
        boolean degraded = t.authorization != null && t.authorization.degraded()
                || authnFallback != null && authnFallback.degraded();
        String failureMode = joined(authnFallback == null ? null : authnFallback.describe(),
                t.authorization == null ? null : t.authorization.failureMode());
        Principal p = a == null ? null : a.principal();
        Authorization d = t.authorization;
        List<String> rules = d != null ? d.decidingRules()
                : t.rejection != null ? t.rejection.decidingRules() : List.of();
        c.metrics().record(t.routeId, effect, reason, degraded);
        if (t.authenticatedNanos != 0) {
            c.metrics().phase(t.routeId, "authenticate", t.authenticatedNanos - t.startNanos);
        }
        if (t.authorizedNanos != 0) {
            c.metrics().phase(t.routeId, "authorize", t.authorizedNanos - t.authenticatedNanos);
            c.metrics().decisionSource(t.authorization.cache());
        }
        if (t.forwardedNanos != 0) {
            c.metrics().phase(t.routeId, "upstream", System.nanoTime() - t.forwardedNanos);
        }
        DecisionEvent event = new DecisionEvent(t.decisionId, c.clock().instant(), t.routeId, route.tenant(),
                p == null ? null : p.id(), p == null ? null : p.trustDomain(), request.getMethod().name(),
                request.getPath().value(), effect, status, reason, rules,
                d == null ? null : d.revision(),
                p == null ? List.of() : p.provenBy().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                a == null ? null : a.tokenId(), a == null ? null : a.jti(), a == null ? null : a.jkt(),
                a == null ? null : a.x5t(),
                failureMode, degraded,
                t.authorization == null ? null : t.authorization.cache(),
                t.authorization == null ? List.of() : t.authorization.errors(),
                (System.nanoTime() - t.startNanos) / 1000, null);
        if (t.reserved) {
            c.decisionLog().recordReserved(event);
        } else {
            c.decisionLog().record(event);
        }
    }

    private static String joined(String first, String second) {
        return first == null ? second : second == null ? first : first + "; " + second;
    }

    private static String routeId(ServerWebExchange exchange) {
        Route r = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        return r == null ? null : r.getId();
    }

    /** What one request has established so far, for its decision-log event. */
    private static final class Trace {
        final String decisionId;
        final long startNanos;
        final String routeId;
        Authentication authentication;
        Authorization authorization;
        RequestRejectedException rejection;
        /** Room for this request's event was reserved in the decision log. */
        boolean reserved;
        /** Allowed: its event is recorded when the upstream has answered. */
        boolean allowed;
        boolean recorded;
        /** When (nanoTime) authentication, authorization and forwarding finished; 0 when they did not happen. */
        long authenticatedNanos;
        long authorizedNanos;
        long forwardedNanos;

        Trace(String decisionId, long startNanos, String routeId) {
            this.decisionId = decisionId;
            this.startNanos = startNanos;
            this.routeId = routeId;
        }
    }
}
