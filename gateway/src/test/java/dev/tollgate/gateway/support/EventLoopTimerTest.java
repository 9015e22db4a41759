package dev.tollgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.Dependency;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencySettings;
import dev.tollgate.fallback.DependencyUnavailableException;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/**
 * A timer set on an event loop runs on that loop (each of two), a cancelled one does not run, and one set off the
 * loops runs elsewhere; a guard's time limit set while serving on a loop trips on that loop, not on Reactor's
 * parallel thread.
 */
class EventLoopTimerTest {

    private static final LoopResources resources = LoopResources.create("event-loop-timer-test", 2, true);
    private static final Scheduler elsewhere = Schedulers.newSingle("elsewhere-timer");
    private static final EventLoopGroup group = resources.onServer(true);
    private static final EventLoopTimer timer = new EventLoopTimer(group, () -> elsewhere);

    static {
        // Reactor reads its context-propagation accessors from the class path (jar reads) the first time an operator
        // like timeout is assembled. A gateway does that at start-up; in a test JVM with no gateway yet, it would
        // happen on a loop, where BlockHound refuses it and the class stays broken for every later test.
        Mono.never().timeout(Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        elsewhere.dispose();
        resources.disposeLater().block(Duration.ofSeconds(5));
    }

    private static List<EventExecutor> loops() {
        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        return loops;
    }

    /** {@code what} run on {@code loop}; its result once it is there. */
    private static <T> T onLoop(EventExecutor loop, java.util.function.Supplier<T> what) throws Exception {
        return loop.submit(what::get).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aTimerSetOnALoopRunsOnThatLoop() throws Exception {
        List<EventExecutor> loops = loops();
        assertThat(loops).hasSize(2);
        for (EventExecutor loop : loops) {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            Thread setter = onLoop(loop, () -> {
                timer.schedule(() -> ran.complete(Thread.currentThread()), 5, TimeUnit.MILLISECONDS);
                return Thread.currentThread();
            });
            assertThat(ran.get(5, TimeUnit.SECONDS)).isSameAs(setter);
        }
    }

    @Test
    void aCancelledTimerDoesNotRun() throws Exception {
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CompletableFuture<Void> later = new CompletableFuture<>();
        onLoop(loops().get(0), () -> {
            Disposable cancelled = timer.schedule(() -> cancelledRan.set(true), 10, TimeUnit.MILLISECONDS);
            cancelled.dispose();
            // Due after the cancelled one: once it has run, the cancelled one would have too.
            return timer.schedule(() -> later.complete(null), 30, TimeUnit.MILLISECONDS);
        });
        later.get(5, TimeUnit.SECONDS);
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void aTimerCancelledFromAnotherLoopDoesNotRun() throws Exception {
        // The usual case with several loops: the reply that ends a call is read on the Redis connection's loop.
        List<EventExecutor> loops = loops();
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CompletableFuture<Void> later = new CompletableFuture<>();
        Disposable cancelled = onLoop(loops.get(0),
                () -> timer.schedule(() -> cancelledRan.set(true), 20, TimeUnit.MILLISECONDS));
        onLoop(loops.get(1), () -> {
            cancelled.dispose();
            return null;
        });
        onLoop(loops.get(0), () -> timer.schedule(() -> later.complete(null), 40, TimeUnit.MILLISECONDS));
        later.get(5, TimeUnit.SECONDS);
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void offTheLoopsATimerRunsElsewhere() throws Exception {
        CompletableFuture<String> ran = new CompletableFuture<>();
        timer.schedule(() -> ran.complete(Thread.currentThread().getName()), 1, TimeUnit.MILLISECONDS);
        assertThat(ran.get(5, TimeUnit.SECONDS)).startsWith("elsewhere-timer");
    }

    @Test
    void aGuardsTimeLimitTripsOnTheLoopThatCalled() throws Exception {
        Dependency slow = new DependencyRegistry(Map.of(), Map.of("slow", DependencySettings.UNSET
                .withTimeLimit(Duration.ofMillis(20))), null, timer).dependency("slow");
        for (EventExecutor loop : loops()) {
            CompletableFuture<Thread> failedOn = new CompletableFuture<>();
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread caller = onLoop(loop, () -> {
                slow.call(Mono::never).subscribe(v -> { }, e -> {
                    failedOn.complete(Thread.currentThread());
                    failure.complete(e);
                });
                return Thread.currentThread();
            });
            assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(DependencyUnavailableException.class,
                    e -> assertThat(e.reason()).isEqualTo(DependencyUnavailableException.Reason.TIMEOUT));
            assertThat(failedOn.get()).isSameAs(caller);
        }
    }
}
