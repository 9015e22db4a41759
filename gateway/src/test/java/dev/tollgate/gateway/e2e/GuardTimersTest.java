package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencyUnavailableException;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The gateway's guards keep their time limits on the event loop of the request that made the call (EventLoopTimer):
 * a call that never answers, made on one of the gateway's loops, fails with TIMEOUT on that loop.
 */
class GuardTimersTest extends GatewayTestBase {

    @Autowired
    DependencyRegistry dependencies;

    @Autowired
    LoopResources eventLoops;

    @Test
    void aTimeLimitSetWhileServingTripsOnTheServingLoop() throws Exception {
        EventExecutor loop = eventLoops.onServer(true).next();
        CompletableFuture<Thread> failedOn = new CompletableFuture<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread caller = loop.submit(() -> {
            // A name of its own: the default template's limit, and no other test's breaker touched.
            dependencies.dependency("guard-timers-test").call(Mono::never).subscribe(v -> { }, e -> {
                failedOn.complete(Thread.currentThread());
                failure.complete(e);
            });
            return Thread.currentThread();
        }).get(5, TimeUnit.SECONDS);
        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(DependencyUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo(DependencyUnavailableException.Reason.TIMEOUT));
        assertThat(failedOn.get()).as("not Reactor's parallel thread").isSameAs(caller);
    }
}
