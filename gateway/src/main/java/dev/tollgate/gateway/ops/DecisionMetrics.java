package dev.tollgate.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code tollgate.decisions} counted by route, effect, reason and whether a degrade allowance was used; the time each
 * phase of a request took ({@code tollgate.phase.duration}, phase {@code authenticate}, {@code authorize},
 * {@code upstream}, with a histogram for percentiles); and where decisions came from ({@code tollgate.decision.source}:
 * {@code L1}, {@code L2}, {@code policy}). Tags are route ids and Tollgate's stable codes (never client input), so the
 * number of series stays bounded; every meter is built once and then looked up.
 */
public final class DecisionMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String route, String effect, String reason, boolean degraded) {
        String key = route + '|' + effect + '|' + reason + '|' + degraded;
        counters.computeIfAbsent(key, k -> Counter.builder("tollgate.decisions")
                .description("Decisions by route, effect, reason and degradation")
                .tag("route", route == null ? "none" : route).tag("effect", effect).tag("reason", reason)
                .tag("degraded", Boolean.toString(degraded)).register(registry)).increment();
    }

    private final Map<String, io.micrometer.core.instrument.Timer> phases = new ConcurrentHashMap<>();
    private final Map<String, Counter> sources = new ConcurrentHashMap<>();

    /** Records how long one phase of a request took. */
    public void phase(String route, String phase, long nanos) {
        String r = route == null ? "none" : route;
        phases.computeIfAbsent(r + '|' + phase, k -> io.micrometer.core.instrument.Timer
                .builder("tollgate.phase.duration")
                .description("Time spent in each phase of a request through a Tollgate route")
                .tag("route", r).tag("phase", phase)
                .publishPercentileHistogram()
                .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Counts where a decision came from: the in-process cache, Redis, or a policy evaluation. */
    public void decisionSource(String source) {
        String s = source == null ? "none" : "MISS".equals(source) ? "policy" : source;
        sources.computeIfAbsent(s, k -> Counter.builder("tollgate.decision.source")
                .description("Decisions by where they came from: L1 (in-process cache), L2 (Redis), policy")
                .tag("source", k).register(registry)).increment();
    }
}
