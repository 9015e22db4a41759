package dev.tollgate.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code tollgate.decisions} counted by route, effect, reason and whether a degrade allowance was used; the time each
 * phase of a request took ({@code tollgate.phase.duration}, phase {@code authenticate}, {@code authorize},
 * {@code upstream}, with a histogram for percentiles); and where decisions came from ({@code tollgate.decision.source}:
 * {@code L1}, {@code L2}, {@code policy}). Tags are route ids and Tollgate's stable codes (never client input), so the
 * number of series stays bounded.
 * <p>
 * Every meter is built on first use and then only looked up, per route: an enforced request records five meters, so
 * the lookup is on the hot path. It used to build a string key per call ({@code route|effect|reason|degraded}) and
 * hash it afresh; now the route's meters are found by the route id (a string whose hash is cached) and the outcome by
 * a small record of constant strings.
 */
public final class DecisionMetrics {

    private final MeterRegistry registry;
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<String, Counter> sources = new ConcurrentHashMap<>();

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String route, String effect, String reason, boolean degraded) {
        RouteMeters meters = meters(route);
        Outcome outcome = new Outcome(effect, reason, degraded);
        Counter counter = meters.outcomes.get(outcome);
        if (counter == null) {
            counter = meters.outcomes.computeIfAbsent(outcome, o -> Counter.builder("tollgate.decisions")
                    .description("Decisions by route, effect, reason and degradation")
                    .tag("route", meters.route).tag("effect", effect).tag("reason", reason)
                    .tag("degraded", Boolean.toString(degraded)).register(registry));
        }
        counter.increment();
    }

    /** Records how long one phase of a request took. */
    public void phase(String route, String phase, long nanos) {
        RouteMeters meters = meters(route);
        Timer timer = meters.phases.get(phase);
        if (timer == null) {
            timer = meters.phases.computeIfAbsent(phase, p -> Timer.builder("tollgate.phase.duration")
                    .description("Time spent in each phase of a request through a Tollgate route")
                    .tag("route", meters.route).tag("phase", p)
                    .publishPercentileHistogram()
                    .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts where a decision came from: the in-process cache, Redis, or a policy evaluation. */
    public void decisionSource(String source) {
        String s = source == null ? "none" : "MISS".equals(source) ? "policy" : source;
        Counter counter = sources.get(s);
        if (counter == null) {
            counter = sources.computeIfAbsent(s, k -> Counter.builder("tollgate.decision.source")
                    .description("Decisions by where they came from: L1 (in-process cache), L2 (Redis), policy")
                    .tag("source", k).register(registry));
        }
        counter.increment();
    }

    // get before computeIfAbsent: ConcurrentHashMap's computeIfAbsent locks the bin when the key is not its first node.
    private RouteMeters meters(String route) {
        String r = route == null ? "none" : route;
        RouteMeters meters = routes.get(r);
        return meters != null ? meters : routes.computeIfAbsent(r, RouteMeters::new);
    }

    /** One route's meters: by outcome and by phase, each registered when first recorded. */
    private static final class RouteMeters {
        final String route;
        final Map<Outcome, Counter> outcomes = new ConcurrentHashMap<>();
        final Map<String, Timer> phases = new ConcurrentHashMap<>();

        RouteMeters(String route) {
            this.route = route;
        }
    }

    /** A decision's outcome, the key of its counter; its strings are Tollgate's constants, their hashes cached. */
    private record Outcome(String effect, String reason, boolean degraded) {
    }
}
