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
import dev.tollgate.gateway.forward.ForwardedHeaders;
import dev.tollgate.gateway.forward.UpstreamFailures;
import dev.tollgate.gateway.authz.Operation;
import dev.tollgate.gateway.mcp.McpAnswers;
import dev.tollgate.gateway.mcp.McpCall;
import dev.tollgate.gateway.mcp.McpListFilter;
import dev.tollgate.gateway.mcp.McpMessages;
import dev.tollgate.gateway.mcp.McpRequestException;
import dev.tollgate.gateway.mcp.McpRoute;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.ops.DecisionSpans;
import io.micrometer.tracing.TraceContext;
import dev.tollgate.gateway.txn.TransactionTokens;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;
import dev.tollgate.gateway.problem.ProblemResponses;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.policy.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
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
                                DecisionLog decisionLog, Clock clock, DecisionMetrics metrics, DPoPNonces nonces,
                                TransactionTokens transactionTokens, DecisionSpans spans) {
        public Collaborators(Authenticator authenticator, AuthorizationService authorization, DecisionLog decisionLog,
                             Clock clock, DecisionMetrics metrics, DPoPNonces nonces) {
            this(authenticator, authorization, decisionLog, clock, metrics, nonces, null, new DecisionSpans(null));
        }
    }

    private final RouteSecurity route;
    private final Collaborators c;
    /** The JSON-RPC reader of an MCP route ({@code null} on an HTTP route). */
    private final McpMessages mcpMessages;

    TollgateFilter(RouteSecurity route, Collaborators collaborators) {
        this.route = route;
        this.c = collaborators;
        this.mcpMessages = route.mcp() == null ? null : new McpMessages(route.mcp());
    }

    public RouteSecurity route() {
        return route;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (c.spans().enabled()) {
            // Tracing on: the phases' spans become children of the request's server span.
            return Mono.deferContextual(context -> enforce(exchange, chain, c.spans().parent(context)));
        }
        return enforce(exchange, chain, null);
    }

    private Mono<Void> enforce(ServerWebExchange exchange, GatewayFilterChain chain, TraceContext parentSpan) {
        long start = System.nanoTime();
        String decisionId = DecisionIds.next();
        exchange.getAttributes().put(ENFORCED_ATTR, decisionId);
        Trace trace = new Trace(decisionId, start, routeId(exchange));
        trace.parentSpan = parentSpan;
        trace.reserved = c.decisionLog().reserve();
        if (!trace.reserved && c.decisionLog().overflow() == DecisionLog.Overflow.REFUSE) {
            // No room for this request's line: with overflow: refuse, no request is served without its evidence.
            c.decisionLog().refused();
            boolean failing = c.decisionLog().failing();
            String code = failing ? "decision-log.unavailable" : "decision-log.full";
            c.metrics().record(trace.routeId, "ERROR", code, false);
            return ProblemResponses.write(exchange.getResponse(), RequestRejectedException.unavailable(code, failing
                    ? "the decision log cannot be written now; try again shortly"
                    : "the decision log cannot take more events now; try again shortly",
                    java.time.Duration.ofSeconds(1)), decisionId);
        }
        return c.authenticator().authenticate(exchange, route)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("authenticator completed empty")))
                .flatMap(authentication -> {
                    trace.authentication = authentication;
                    trace.authenticatedNanos = System.nanoTime();
                    checkTenant(authentication.principal());
                    if (route.mcp() != null) {
                        return authorizeMcp(exchange, trace, authentication);
                    }
                    return c.authorization().authorize(exchange.getRequest(), trace.routeId, route, authentication);
                })
                .flatMap(authorization -> {
                    trace.authorization = authorization;
                    trace.authorizedNanos = System.nanoTime();
                    if (!authorization.allowed()) {
                        return Mono.error(RequestRejectedException.forbidden("policy.denied",
                                "the tenant's policy does not allow this request", authorization.decidingRules()));
                    }
                    return forward(exchange, chain, trace);
                })
                // A failure before forwarding is this request's rejection; once forwarded (trace.allowed), an error
                // is the upstream's and forward() has already answered what it can (upstreamFailed). One operator
                // here instead of map/map/Optional/onErrorResume/flatMap: this chain runs on every request.
                .onErrorResume(e -> trace.allowed ? Mono.error(e) : reject(exchange, trace, asRejection(e, trace)))
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

    /**
     * An MCP route: a POST's JSON-RPC messages are each decided as their method on what they name (a batch is allowed
     * only when every message is); other methods (GET opens the server's stream, DELETE ends a session) are decided on
     * the server's base resource.
     */
    private Mono<Authorization> authorizeMcp(ServerWebExchange exchange, Trace trace, Authentication authentication) {
        McpRoute mcp = route.mcp();
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.POST && request.getMethod() != HttpMethod.GET
                && request.getMethod() != HttpMethod.DELETE) {
            return Mono.error(McpRequestException.methodNotAllowed());
        }
        if (request.getMethod() != HttpMethod.POST) {
            return c.authorization().authorize(request, trace.routeId, route, authentication,
                    new Operation(request.getMethod().name(), mcp.base(),
                            new McpCall(null, request.getMethod().name(), null, null, null).context(false)));
        }
        return DataBufferUtils.join(request.getBody(), mcp.maxBodyBytes())
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> McpRequestException.tooLarge(mcp.maxBodyBytes()))
                .flatMap(body -> {
                    McpMessages.Parsed parsed = mcpMessages.parse(body);
                    trace.mcpBody = body;
                    trace.mcp = parsed;
                    return Flux.fromIterable(parsed.calls())
                            .concatMap(call -> c.authorization().authorize(request, trace.routeId, route,
                                    authentication, new Operation(call.action(), call.resource(mcp),
                                            call.context(false))))
                            .collectList();
                })
                .map(decisions -> {
                    trace.mcpDecisions = decisions;
                    // Decided: the arguments are not needed any more (the body is forwarded as read).
                    trace.mcp = new McpMessages.Parsed(trace.mcp.calls().stream().map(c -> new McpCall(c.id(),
                            c.method(), c.collection(), c.name(), null)).toList(), trace.mcp.batch());
                    return Authorization.allOf(decisions);
                });
    }

    private Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, Trace trace) {
        Authentication authentication = trace.authentication;
        // The identity headers are set on the proxied copy of the headers (ForwardedHeaders), not by rewriting it here.
        exchange.getAttributes().put(ForwardedHeaders.FORWARDING, new ForwardedHeaders.Forwarding(authentication,
                trace.decisionId, !route.forwardCredentials(), route.mcp() != null,
                route.transactionToken() ? transactionToken(exchange, trace) : null));
        if (route.dpopNonce()) {
            // RFC 9449 section 8.2: a fresh nonce on success spares the client a use_dpop_nonce round trip later.
            exchange.getResponse().getHeaders().set(DPoPNonces.HEADER, c.nonces().current());
        }
        trace.allowed = true;
        trace.forwardedNanos = System.nanoTime();
        if (route.mcp() == null) {
            return chain.filter(exchange).onErrorResume(e -> upstreamFailed(exchange, trace, e));
        }
        // An MCP route: the body as read, and list answers filtered to what the caller may use.
        ServerHttpRequest original = exchange.getRequest();
        ServerWebExchange.Builder forwarded = exchange.mutate().request(trace.mcpBody == null ? original
                : withBody(original, trace.mcpBody));
        McpRoute mcp = route.mcp();
        McpListFilter.MayUse mayUse = (kind, name) -> {
            McpCall use = new McpCall(null, kind.callMethod(), kind.member(), name, null);
            return c.authorization().mayUse(original, trace.routeId, route, authentication,
                    new Operation(use.action(), use.resource(mcp), use.context(true)));
        };
        if (trace.mcp != null && trace.mcp.calls().stream().anyMatch(McpCall::lists)) {
            forwarded.response(new McpListFilter(exchange.getResponse(), trace.mcp, mayUse, mcp.maxListBytes()));
        } else if (original.getMethod() == HttpMethod.GET) {
            // The server's own stream may carry list answers too (resumed with Last-Event-ID): inspect it all.
            forwarded.response(new McpListFilter(exchange.getResponse(), mayUse, mcp.maxListBytes()));
        }
        return chain.filter(forwarded.build())
                .onErrorResume(e -> upstreamFailed(exchange, trace, e));
    }

    /** The statement the upstream verifies instead of the caller's credential: this decision, signed by Tollgate. */
    private String transactionToken(ServerWebExchange exchange, Trace trace) {
        McpCall call = trace.mcp != null && trace.mcp.calls().size() == 1 ? trace.mcp.calls().get(0) : null;
        ServerHttpRequest request = exchange.getRequest();
        return c.transactionTokens().mint(trace.authentication.principal(), new TransactionTokens.Transaction(
                trace.decisionId, route.tenant(), trace.routeId, request.getMethod().name(),
                request.getPath().value(), call == null ? null : call.action(), call == null ? null : call.name()));
    }

    /** The request with the body Tollgate read (to decide it) put back for the upstream. */
    private static ServerHttpRequest withBody(ServerHttpRequest request, byte[] body) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
            }
        };
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
        if (trace.mcpInvalid != null) {
            record(exchange, trace, "DENY", 400, trace.mcpInvalid.reason());
            return McpAnswers.invalid(exchange.getResponse(), trace.mcpInvalid, trace.decisionId);
        }
        if (trace.mcpDecisions != null && "policy.denied".equals(rejection.code())) {
            List<Boolean> allowed = trace.mcpDecisions.stream().map(Authorization::allowed).toList();
            boolean anyRequest = trace.mcp.calls().stream().anyMatch(McpCall::isRequest);
            record(exchange, trace, "DENY", anyRequest ? 200 : 403, rejection.code());
            return McpAnswers.denied(exchange.getResponse(), trace.mcp, allowed, trace.decisionId);
        }
        record(exchange, trace, rejection.kind().effect(), rejection.kind().status().value(), rejection.code());
        return ProblemResponses.write(exchange.getResponse(), rejection, trace.decisionId);
    }

    private RequestRejectedException asRejection(Throwable e, Trace trace) {
        if (e instanceof RequestRejectedException r) {
            return r;
        }
        if (e instanceof McpRequestException m) {
            trace.mcpInvalid = m;
            return RequestRejectedException.unauthenticated(dev.tollgate.gateway.problem.RejectionKind.BAD_REQUEST,
                    m.reason(), m.getMessage(), List.of(), java.util.Map.of());
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
        List<String> credentials = p == null ? List.of()
                : dev.tollgate.gateway.authn.CredentialNames.forLog(p.provenBy());
        long latency = (System.nanoTime() - t.startNanos) / 1000;
        int events = t.mcpDecisions == null ? 1 : t.mcpDecisions.size();
        for (int i = 0; i < events; i++) {
            // An MCP POST: one line per JSON-RPC message, each with its own effect and deciding rules.
            McpCall call = t.mcpDecisions == null ? null : t.mcp.calls().get(i);
            Authorization one = call == null ? d : t.mcpDecisions.get(i);
            String callEffect = effect;
            String callReason = reason;
            if (call != null && "policy.denied".equals(reason) && one.allowed()) {
                callReason = "mcp.batch-denied";
            }
            DecisionEvent.Builder builder = DecisionEvent.of(events == 1 ? t.decisionId
                            : t.decisionId + "." + (i + 1), c.clock().instant())
                    .outcome(callEffect, status, callReason).route(t.routeId).tenant(route.tenant())
                    .request(request.getMethod().name(), request.getPath().value())
                    .decidedBy(call == null ? rules : one.decidingRules(), d == null ? null : d.revision())
                    .credentials(credentials).failureMode(failureMode, degraded).latencyMicros(latency);
            if (p != null) {
                builder.principal(p.id(), p.trustDomain()).actors(p.actors());
            }
            if (a != null) {
                builder.credentialReferences(a.tokenId(), a.jti(), a.jkt(), a.x5t());
            }
            if (one != null) {
                builder.cache(one.cache()).errors(one.errors());
            }
            if (call != null) {
                builder.mcp(call.action(), call.name());
            }
            DecisionEvent event = builder.build();
            if (t.reserved && i == 0) {
                c.decisionLog().recordReserved(event);
            } else {
                c.decisionLog().record(event);
            }
        }
        if (t.parentSpan != null) {
            c.spans().record(t.parentSpan, new DecisionSpans.Decision(t.decisionId, t.routeId, route.tenant(), effect,
                    reason, p == null ? null : p.trustDomain(), t.mcp == null ? null
                            : t.mcp.calls().size() == 1 ? t.mcp.calls().get(0).action() : "batch"),
                    t.startNanos, t.authenticatedNanos, t.authorizedNanos, t.forwardedNanos);
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
        /** On an MCP route: the POST's messages, its body (forwarded as read) and each message's decision. */
        McpMessages.Parsed mcp;
        byte[] mcpBody;
        List<Authorization> mcpDecisions;
        McpRequestException mcpInvalid;
        /** The request's server span, when tracing is on. */
        TraceContext parentSpan;

        Trace(String decisionId, long startNanos, String routeId) {
            this.decisionId = decisionId;
            this.startNanos = startNanos;
            this.routeId = routeId;
        }
    }
}
