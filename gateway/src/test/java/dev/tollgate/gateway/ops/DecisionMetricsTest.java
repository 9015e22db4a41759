package dev.tollgate.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each (route, outcome) and (route, phase) is one series, counted exactly, however the meters are looked up. */
class DecisionMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DecisionMetrics metrics = new DecisionMetrics(registry);

    @Test
    void countsEachOutcomeOfEachRouteAsItsOwnSeries() {
        metrics.record("orders", "ALLOW", "policy.permit", false);
        metrics.record("orders", "ALLOW", "policy.permit", false);
        metrics.record("orders", "ALLOW", "policy.permit", true);
        metrics.record("orders", "DENY", "policy.denied", false);
        metrics.record("billing", "ALLOW", "policy.permit", false);
        // Equal strings that are not the same instances (as a reason built at run time would be) find the same series.
        metrics.record(new String("orders"), new String("ALLOW"), new String("policy.permit"), false);

        assertThat(decisions("orders", "ALLOW", "policy.permit", false).count()).isEqualTo(3);
        assertThat(decisions("orders", "ALLOW", "policy.permit", true).count()).isEqualTo(1);
        assertThat(decisions("orders", "DENY", "policy.denied", false).count()).isEqualTo(1);
        assertThat(decisions("billing", "ALLOW", "policy.permit", false).count()).isEqualTo(1);
        assertThat(registry.find("tollgate.decisions").counters()).hasSize(4);
    }

    @Test
    void aRequestWithoutARouteIsCountedUnderNone() {
        metrics.record(null, "DENY", "route.unknown", false);
        metrics.phase(null, "upstream", 1_000);

        assertThat(decisions("none", "DENY", "route.unknown", false).count()).isEqualTo(1);
        assertThat(phase("none", "upstream").count()).isEqualTo(1);
    }

    @Test
    void timesEachPhaseOfEachRoute() {
        metrics.phase("orders", "authenticate", 2_000);
        metrics.phase("orders", "authenticate", 4_000);
        metrics.phase("orders", "authorize", 1_000);
        metrics.phase("billing", "authenticate", 8_000);

        Timer authenticate = phase("orders", "authenticate");
        assertThat(authenticate.count()).isEqualTo(2);
        assertThat(authenticate.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(6_000);
        assertThat(phase("orders", "authorize").count()).isEqualTo(1);
        assertThat(phase("billing", "authenticate").totalTime(TimeUnit.NANOSECONDS)).isEqualTo(8_000);
        assertThat(registry.find("tollgate.phase.duration").timers()).hasSize(3);
    }

    @Test
    void countsDecisionSourcesWithTheEvaluationCalledPolicy() {
        metrics.decisionSource("L1");
        metrics.decisionSource("L1");
        metrics.decisionSource("MISS");
        metrics.decisionSource(null);

        assertThat(registry.get("tollgate.decision.source").tag("source", "L1").counter().count()).isEqualTo(2);
        assertThat(registry.get("tollgate.decision.source").tag("source", "policy").counter().count()).isEqualTo(1);
        assertThat(registry.get("tollgate.decision.source").tag("source", "none").counter().count()).isEqualTo(1);
    }

    @Test
    void buildsEachMeterOnceAndLosesNoCountUnderConcurrentFirstUse() throws InterruptedException {
        int threads = 4;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    String route = "route-" + (i % 3);
                    metrics.record(route, "ALLOW", "policy.permit", false);
                    metrics.phase(route, "upstream", 10);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }

        double total = 0;
        for (int r = 0; r < 3; r++) {
            total += decisions("route-" + r, "ALLOW", "policy.permit", false).count();
            assertThat(phase("route-" + r, "upstream").count()).isEqualTo(
                    (long) decisions("route-" + r, "ALLOW", "policy.permit", false).count());
        }
        assertThat(total).isEqualTo(threads * perThread);
        List<Meter> meters = registry.getMeters();
        assertThat(meters).hasSize(6);
    }

    private Counter decisions(String route, String effect, String reason, boolean degraded) {
        return registry.get("tollgate.decisions").tag("route", route).tag("effect", effect).tag("reason", reason)
                .tag("degraded", Boolean.toString(degraded)).counter();
    }

    private Timer phase(String route, String phase) {
        return registry.get("tollgate.phase.duration").tag("route", route).tag("phase", phase).timer();
    }
}
