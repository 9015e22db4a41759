package dev.tollgate.gateway.ops;

import dev.tollgate.fallback.DependencyListener;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencyUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The fallback module's hooks as Micrometer meters: {@code tollgate.dependency.calls} by dependency and outcome
 * ({@code success} or the failure reason), and {@code tollgate.dependency.state} per dependency (0 closed, 1 half-open,
 * 2 open, 3 other) — the breaker states behind readiness. Meters are made on a dependency's first call.
 */
public final class DependencyMetrics implements DependencyListener {

    private final MeterRegistry registry;
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Boolean> gauges = new ConcurrentHashMap<>();
    private volatile Supplier<DependencyRegistry> dependencies = () -> null;

    public DependencyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The registry whose states the gauges read (it is built with this listener, so it comes after). */
    public void attach(DependencyRegistry registry) {
        this.dependencies = () -> registry;
    }

    @Override
    public void succeeded(String dependency) {
        count(dependency, "success");
    }

    @Override
    public void failed(String dependency, DependencyUnavailableException.Reason reason) {
        count(dependency, reason.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void stateChanged(String dependency, String state) {
        gauge(dependency);
    }

    private void count(String dependency, String outcome) {
        gauge(dependency);
        calls.computeIfAbsent(dependency + '|' + outcome, k -> Counter.builder("tollgate.dependency.calls")
                .description("Calls through a dependency guard, by outcome").tag("dependency", dependency)
                .tag("outcome", outcome).register(registry)).increment();
    }

    private void gauge(String dependency) {
        gauges.computeIfAbsent(dependency, d -> {
            Gauge.builder("tollgate.dependency.state", () -> code(d))
                    .description("Breaker state: 0 closed, 1 half-open, 2 open, 3 other").tag("dependency", d)
                    .register(registry);
            return Boolean.TRUE;
        });
    }

    private int code(String dependency) {
        DependencyRegistry r = dependencies.get();
        String state = r == null ? null : r.states().get(dependency);
        return state == null || state.equals("CLOSED") ? 0 : state.startsWith("HALF") ? 1 : state.equals("OPEN") ? 2
                : 3;
    }
}
