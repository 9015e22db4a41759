package dev.tollgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * Work queued during one event-loop pass runs after the pass, all of it before any request continues; a failure is
 * its own request's; a continuation that queues more work gets it done in a later pass; off the loops work runs at
 * once.
 */
class EndOfPassTest {

    private static final LoopResources resources = LoopResources.create("end-of-pass-test", 1, true);
    private static final EventLoopGroup group = resources.onServer(true);
    private static final EndOfPass endOfPass = new EndOfPass(group);

    static {
        // As in EventLoopTimerTest: Reactor reads its context-propagation accessors from the class path the first time
        // an operator is assembled and subscribed. A gateway does that at start-up; here it must happen off the loops,
        // where BlockHound allows the jar reads, or the class stays broken for every later test in this JVM.
        Mono.never().timeout(Duration.ofSeconds(1));
        endOfPass.run(() -> 0).block(Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        resources.disposeLater().block(Duration.ofSeconds(5));
    }

    private static EventExecutor loop() {
        return group.next();
    }

    @Test
    void aPassesWorkRunsTogetherAfterThePassBeforeAnyContinuation() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(3);
        loop().execute(() -> {
            // Three requests read in one pass, each reaching its signature.
            for (int i = 0; i < 3; i++) {
                int n = i;
                endOfPass.run(() -> {
                    events.add("verify " + n);
                    return n;
                }).subscribe(v -> {
                    events.add("continue " + v);
                    done.countDown();
                });
                events.add("read " + n);
            }
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(events).containsExactly("read 0", "read 1", "read 2", "verify 0", "verify 1", "verify 2",
                "continue 0", "continue 1", "continue 2");
    }

    @Test
    void aFailureIsOnlyItsOwnRequests() throws Exception {
        List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(3);
        loop().execute(() -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                endOfPass.run(() -> {
                    if (n == 1) {
                        throw new IllegalStateException("bad signature " + n);
                    }
                    return (Object) n;
                }).onErrorResume(e -> Mono.just(e.getMessage())).subscribe(v -> {
                    outcomes.add(v);
                    done.countDown();
                });
            }
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes).containsExactly(0, "bad signature 1", 2);
    }

    @Test
    void workQueuedByAContinuationRunsInALaterPass() throws Exception {
        CompletableFuture<Integer> second = new CompletableFuture<>();
        loop().execute(() -> endOfPass.run(() -> 1)
                .flatMap(first -> endOfPass.run(() -> first + 1))
                .subscribe(second::complete, second::completeExceptionally));
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void offTheLoopsWorkRunsAtOnce() {
        List<String> events = new ArrayList<>();
        Mono<String> mono = endOfPass.run(() -> {
            events.add("work on " + Thread.currentThread().getName());
            return "done";
        });
        assertThat(events).isEmpty();
        assertThat(mono.block(Duration.ofSeconds(1))).isEqualTo("done");
        assertThat(events).containsExactly("work on " + Thread.currentThread().getName());
    }
}
