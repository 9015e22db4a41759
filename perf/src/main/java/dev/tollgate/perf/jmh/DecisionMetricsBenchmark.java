package dev.tollgate.perf.jmh;

import dev.tollgate.gateway.ops.DecisionMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The meters one request records, on the registry the gateway exports ({@code /actuator/prometheus}): an enforced
 * request's decision count, its three phase timers (percentile histograms) and its decision source
 * ({@code enforced}); a public route's count and upstream timer ({@code publicRoute}). {@code routes} routes, each
 * with a few outcomes already seen, so every lookup finds its meter among others, as in a running gateway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionMetricsBenchmark {

    private static final String[] REASONS = {"policy.permit", "policy.denied", "token.expired", "token.invalid",
            "tenant.mismatch", "dpop.replayed"};

    @Param({"20"})
    int routes;

    private DecisionMetrics metrics;
    private String[] routeIds;
    private int next;

    @Setup
    public void setUp() {
        metrics = new DecisionMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        routeIds = new String[routes];
        for (int r = 0; r < routes; r++) {
            routeIds[r] = "route-" + r;
            for (String reason : REASONS) {
                metrics.record(routeIds[r], reason.equals("policy.permit") ? "ALLOW" : "DENY", reason, false);
            }
            for (String phase : new String[] {"authenticate", "authorize", "upstream"}) {
                metrics.phase(routeIds[r], phase, 1_000);
            }
        }
    }

    @Benchmark
    public void enforced() {
        String route = routeIds[next++ % routes];
        metrics.record(route, "ALLOW", "policy.permit", false);
        metrics.phase(route, "authenticate", 12_000);
        metrics.phase(route, "authorize", 3_000);
        metrics.decisionSource("L1");
        metrics.phase(route, "upstream", 400_000);
    }

    @Benchmark
    public void publicRoute() {
        String route = routeIds[next++ % routes];
        metrics.phase(route, "upstream", 400_000);
        metrics.record(route, "ALLOW", "route.public", false);
    }
}
