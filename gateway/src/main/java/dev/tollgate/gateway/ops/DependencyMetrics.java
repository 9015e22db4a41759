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
    /** Per dependency; a success is one map lookup and an increment, as it happens on every remote call. */
    private final Map<String, Meters> meters = new ConcurrentHashMap<>();
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
        meters(dependency).success.increment();
    }

    @Override
    public void failed(String dependency, DependencyUnavailableException.Reason reason) {
        meters(dependency).failures.computeIfAbsent(reason, r -> counter(dependency,
                r.name().toLowerCase(java.util.Locale.ROOT))).increment();
    }

    @Override
    public void stateChanged(String dependency, String state) {
        meters(dependency);
    }

    private Meters meters(String dependency) {
        Meters m = meters.get(dependency);
        return m != null ? m : meters.computeIfAbsent(dependency, d -> {
            Gauge.builder("tollgate.dependency.state", () -> code(d))
                    .description("Breaker state: 0 closed, 1 half-open, 2 open, 3 other").tag("dependency", d)
                    .register(registry);
            return new Meters(counter(d, "success"), new ConcurrentHashMap<>());
        });
    }

    private Counter counter(String dependency, String outcome) {
        return Counter.builder("tollgate.dependency.calls").description("Calls through a dependency guard, by outcome")
                .tag("dependency", dependency).tag("outcome", outcome).register(registry);
    }

    private int code(String dependency) {
        DependencyRegistry r = dependencies.get();
        String state = r == null ? null : r.states().get(dependency);
        return state == null || state.equals("CLOSED") ? 0 : state.startsWith("HALF") ? 1 : state.equals("OPEN") ? 2
                : 3;
    }

    /** One dependency's meters: its gauge is registered when this is made. */
    private record Meters(Counter success, Map<DependencyUnavailableException.Reason, Counter> failures) {
    }
}
