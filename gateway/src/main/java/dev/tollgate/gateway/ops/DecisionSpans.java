package dev.tollgate.gateway.ops;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.util.concurrent.TimeUnit;
import reactor.util.context.ContextView;

/**
 * A span per phase of a decision — {@code tollgate.authenticate}, {@code tollgate.authorize},
 * {@code tollgate.upstream} — as children of the request's server span, with the decision id, tenant, route, effect
 * and reason as attributes. Spans are made when the request's decision-log line is, from the phase timings already
 * taken for it (explicit start and end timestamps), so tracing adds no work to the request path beyond that, and
 * nothing at all when tracing is off (no {@link Tracer}).
 */
public final class DecisionSpans {

    private final Tracer tracer;

    /** {@code tracer}: {@code null} when tracing is off. */
    public DecisionSpans(Tracer tracer) {
        this.tracer = tracer == null || tracer == Tracer.NOOP ? null : tracer;
    }

    public boolean enabled() {
        return tracer != null;
    }

    /** The server span's context from the request's Reactor context, or {@code null}. */
    public TraceContext parent(ContextView context) {
        if (tracer == null || !context.hasKey(ObservationThreadLocalAccessor.KEY)) {
            return null;
        }
        Observation observation = context.get(ObservationThreadLocalAccessor.KEY);
        TracingObservationHandler.TracingContext tracing = observation.getContext()
                .get(TracingObservationHandler.TracingContext.class);
        return tracing == null || tracing.getSpan() == null ? null : tracing.getSpan().context();
    }

    /** One request's decision: what its spans say. */
    public record Decision(String decisionId, String route, String tenant, String effect, String reason,
                           String trustDomain, String mcpMethod) {
    }

    /**
     * Records the phases that happened, from {@code System.nanoTime()} marks (0: did not happen), ending now.
     */
    public void record(TraceContext parent, Decision d, long startNanos, long authenticatedNanos,
                       long authorizedNanos, long forwardedNanos) {
        if (tracer == null || parent == null) {
            return;
        }
        long nowNanos = System.nanoTime();
        long nowEpochMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        if (authenticatedNanos != 0) {
            span("tollgate.authenticate", parent, d, startNanos, authenticatedNanos, nowNanos, nowEpochMicros);
        }
        if (authorizedNanos != 0) {
            span("tollgate.authorize", parent, d, authenticatedNanos, authorizedNanos, nowNanos, nowEpochMicros);
        }
        if (forwardedNanos != 0) {
            span("tollgate.upstream", parent, d, forwardedNanos, nowNanos, nowNanos, nowEpochMicros);
        }
    }

    private void span(String name, TraceContext parent, Decision d, long from, long to, long nowNanos,
                      long nowEpochMicros) {
        Span.Builder b = tracer.spanBuilder().setParent(parent).name(name)
                .tag("tollgate.decision_id", d.decisionId())
                .tag("tollgate.effect", d.effect())
                .tag("tollgate.reason", d.reason())
                .startTimestamp(nowEpochMicros - (nowNanos - from) / 1000, TimeUnit.MICROSECONDS);
        if (d.route() != null) {
            b.tag("tollgate.route", d.route());
        }
        if (d.tenant() != null) {
            b.tag("tollgate.tenant", d.tenant());
        }
        if (d.trustDomain() != null) {
            b.tag("tollgate.trust_domain", d.trustDomain());
        }
        if (d.mcpMethod() != null) {
            b.tag("tollgate.mcp_method", d.mcpMethod());
        }
        b.start().end(nowEpochMicros - (nowNanos - to) / 1000, TimeUnit.MICROSECONDS);
    }
}
