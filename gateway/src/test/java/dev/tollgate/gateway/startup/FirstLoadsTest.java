package dev.tollgate.gateway.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Remote trust material loads once every bean exists: an event loop serving a first load may reach for any bean (the
 * Prometheus exemplar sampler looks up the tracer), and must find it made rather than wait for the thread that is
 * making beans, which is itself waiting for the load. The loads run side by side, and one that fails or hangs does
 * not stop the start.
 */
class FirstLoadsTest {

    /** What the loads saw, on the thread they ran on. */
    static final List<String> seen = new CopyOnWriteArrayList<>();

    @Configuration
    static class Sources {
        @Bean
        FirstLoads firstLoads() {
            return new FirstLoads(Duration.ofMillis(500));
        }

        /** Like the trust-domain and issuer beans: registers its first load where it is built. */
        @Bean
        String source(FirstLoads loads, ConfigurableListableBeanFactory factory) {
            loads.add("source", Mono.fromRunnable(() -> seen.add("later made: " + factory.containsSingleton("later")))
                    .subscribeOn(Schedulers.parallel()).then());
            // Two loads that each wait for the other: they finish only if they run at the same time.
            Sinks.Empty<Void> a = Sinks.empty();
            Sinks.Empty<Void> b = Sinks.empty();
            loads.add("a", Mono.fromRunnable(() -> b.tryEmitEmpty()).then(a.asMono())
                    .doOnSuccess(v -> seen.add("a done")));
            loads.add("b", Mono.fromRunnable(() -> a.tryEmitEmpty()).then(b.asMono())
                    .doOnSuccess(v -> seen.add("b done")));
            return "source";
        }

        /** A bean made after the source, as the tracer is made after Tollgate's beans. */
        @Bean
        String later() {
            return "later";
        }
    }

    @Test
    void loadsRunOnceEveryBeanExistsAndSideBySide() {
        seen.clear();
        try (var context = new AnnotationConfigApplicationContext(Sources.class)) {
            assertThat(context.getBean("later")).isEqualTo("later");
            assertThat(seen).containsExactlyInAnyOrder("later made: true", "a done", "b done");
        }
    }

    @Configuration
    static class Failing {
        static final AtomicBoolean cancelled = new AtomicBoolean();

        @Bean
        FirstLoads firstLoads() {
            return new FirstLoads(Duration.ofMillis(300));
        }

        @Bean
        String sources(FirstLoads loads) {
            loads.add("down", Mono.error(new IllegalStateException("connection refused")));
            loads.add("hanging", Mono.<Void>never().doOnCancel(() -> cancelled.set(true)));
            return "sources";
        }
    }

    @Test
    void aSourceThatFailsOrHangsDoesNotStopTheStart() {
        long start = System.nanoTime();
        try (var context = new AnnotationConfigApplicationContext(Failing.class)) {
            assertThat(context.isActive()).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(Failing.cancelled).as("the hanging load is given up at the limit").isTrue();
    }

    @Test
    void aSourceMadeAfterTheStartIsLoadedAtOnce() {
        FirstLoads loads = new FirstLoads(Duration.ofMillis(300));
        loads.afterSingletonsInstantiated();
        AtomicBoolean loaded = new AtomicBoolean();
        loads.add("lazy", Mono.fromRunnable(() -> loaded.set(true)));
        assertThat(loaded).as("a load registered after the start is not left waiting for a start that has passed")
                .isTrue();
    }
}
