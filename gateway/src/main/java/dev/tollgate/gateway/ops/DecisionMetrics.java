package dev.tollgate.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code tollgate.decisions} counted by route, effect, reason and whether a degrade allowance was used. Reasons are
 * Tollgate's stable codes (never client input), so the number of series stays bounded.
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
}
