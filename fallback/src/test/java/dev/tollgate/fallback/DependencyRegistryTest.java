package dev.tollgate.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class DependencyRegistryTest {

    private static DependencySettings only(Duration timeLimit) {
        return new DependencySettings(null, timeLimit, null, null, null, null, null, null, null);
    }

    @Test
    void instancesOverrideTheirTemplateWhichOverridesDefault() {
        DependencySettings idp = new DependencySettings(null, Duration.ofSeconds(2), null, null, null, 5, null, null,
                null);
        DependencySettings k8s = new DependencySettings("idp", null, null, null, null, null, null, null, 8);
        DependencyRegistry registry = new DependencyRegistry(Map.of("idp", idp), Map.of("issuer:k8s", k8s), null);

        DependencySettings s = registry.settings("issuer:k8s");
        assertThat(s.timeLimit()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.minimumNumberOfCalls()).isEqualTo(5);
        assertThat(s.maxConcurrentCalls()).isEqualTo(8);
        assertThat(s.slidingWindowSize()).isEqualTo(DependencySettings.DEFAULTS.slidingWindowSize());
        assertThat(registry.settings("anything-else")).isEqualTo(DependencySettings.DEFAULTS);
        assertThat(registry.dependency("redis")).isSameAs(registry.dependency("redis"));
    }

    @Test
    void aCappedTimeLimitTakesTheShorterAndKeepsTheRestOfTheChain() {
        DependencySettings slow = new DependencySettings(null, Duration.ofSeconds(3), null, null, null, 7, null, null,
                null);
        DependencySettings redis = new DependencySettings("slow", null, null, null, null, null, null, null, 9);
        Map<String, DependencySettings> templates = Map.of("slow", slow);

        var capped = DependencyRegistry.capTimeLimit(templates, Map.of("redis", redis), "redis", Duration.ofSeconds(1));
        DependencySettings s = new DependencyRegistry(templates, capped, null).settings("redis");
        assertThat(s.timeLimit()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.minimumNumberOfCalls()).isEqualTo(7);
        assertThat(s.maxConcurrentCalls()).isEqualTo(9);

        // No instance of its own: the default template's, capped.
        var fromDefault = DependencyRegistry.capTimeLimit(Map.of(), Map.of(), "redis", Duration.ofMillis(200));
        assertThat(new DependencyRegistry(Map.of(), fromDefault, null).settings("redis"))
                .isEqualTo(DependencySettings.DEFAULTS.withTimeLimit(Duration.ofMillis(200)));
        // Already shorter: left as it is.
        DependencySettings shorter = redis.withTimeLimit(Duration.ofMillis(50));
        assertThat(DependencyRegistry.capTimeLimit(templates, Map.of("redis", shorter), "redis", Duration.ofSeconds(1)))
                .containsEntry("redis", shorter);
    }

    @Test
    void anUnknownTemplateOrABadValueFailsAtConstruction() {
        DependencySettings bad = new DependencySettings("nope", null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> new DependencyRegistry(Map.of(), Map.of("redis", bad), null))
                .hasMessageContaining("unknown template 'nope'");
        assertThatThrownBy(() -> new DependencyRegistry(Map.of(), Map.of("redis", only(Duration.ZERO)), null))
                .hasMessageContaining("time-limit");
    }

    @Test
    void aSlowCallTimesOut() {
        Dependency d = new DependencyRegistry(Map.of(), Map.of("slow", only(Duration.ofMillis(50))), null)
                .dependency("slow");
        StepVerifier.withVirtualTime(() -> d.call(Mono::never))
                .thenAwait(Duration.ofMillis(60))
                .expectErrorSatisfies(e -> assertThat(((DependencyUnavailableException) e).reason())
                        .isEqualTo(DependencyUnavailableException.Reason.TIMEOUT))
                .verify(Duration.ofSeconds(2));
    }

    @Test
    void theTimeLimitRunsOnTheRegistrysTimer() {
        // A timer of the registry's own, not Reactor's default: only advancing it trips the limit.
        VirtualTimeScheduler timer = VirtualTimeScheduler.create();
        Dependency d = new DependencyRegistry(Map.of(), Map.of("slow", only(Duration.ofMillis(50))), null, timer)
                .dependency("slow");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Disposable call = d.call(Mono::never).subscribe(v -> { }, failed::set);
        timer.advanceTimeBy(Duration.ofMillis(49));
        assertThat(failed).hasValue(null);
        timer.advanceTimeBy(Duration.ofMillis(1));
        assertThat(failed.get()).isInstanceOfSatisfying(DependencyUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(DependencyUnavailableException.Reason.TIMEOUT));
        call.dispose();
    }

    @Test
    void theBreakerOpensAfterFailuresThenRecoversWithoutRestart() throws Exception {
        DependencySettings s = new DependencySettings(null, Duration.ofSeconds(1), 50, null, 4, 4,
                Duration.ofMillis(100), 1, null);
        DependencyRegistry registry = new DependencyRegistry(Map.of(), Map.of("redis", s), null);
        Dependency d = registry.dependency("redis");
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            StepVerifier.create(d.call(() -> {
                calls.incrementAndGet();
                return Mono.error(new IllegalStateException("down"));
            })).expectErrorSatisfies(e -> assertThat(((DependencyUnavailableException) e).reason())
                    .isEqualTo(DependencyUnavailableException.Reason.FAILED)).verify();
        }
        assertThat(registry.states()).containsEntry("redis", "OPEN");
        StepVerifier.create(d.call(() -> {
            calls.incrementAndGet();
            return Mono.just("x");
        })).expectErrorSatisfies(e -> assertThat(((DependencyUnavailableException) e).reason())
                .isEqualTo(DependencyUnavailableException.Reason.CIRCUIT_OPEN)).verify();
        assertThat(calls).as("an open breaker costs nothing").hasValue(4);

        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!"HALF_OPEN".equals(registry.states().get("redis")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        StepVerifier.create(d.call(() -> Mono.just("back"))).expectNext("back").verifyComplete();
        assertThat(registry.states()).containsEntry("redis", "CLOSED");
    }

    @Test
    void aFullBulkheadRejectsAtOnce() {
        DependencySettings s = new DependencySettings(null, Duration.ofSeconds(5), null, null, null, null, null, null,
                1);
        Dependency d = new DependencyRegistry(Map.of(), Map.of("upstream:x", s), null).dependency("upstream:x");
        Sinks.One<String> held = Sinks.one();
        var first = d.call(held::asMono).subscribe();
        StepVerifier.create(d.call(() -> Mono.just("second")))
                .expectErrorSatisfies(e -> assertThat(((DependencyUnavailableException) e).reason())
                        .isEqualTo(DependencyUnavailableException.Reason.BULKHEAD_FULL))
                .verify(Duration.ofSeconds(1));
        held.tryEmitValue("done");
        first.dispose();
    }
}
