package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Proves BlockHound is installed in the test JVM: blocking on a non-blocking thread must fail. */
class BlockHoundTest {

    @Test
    void blockingOnAParallelThreadIsDetected() {
        assertThatThrownBy(() -> Mono.delay(Duration.ofMillis(1))
                .doOnNext(x -> {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .subscribeOn(Schedulers.parallel())
                .block(Duration.ofSeconds(5)))
                .hasStackTraceContaining("Blocking call");
    }
}
