package dev.tollgate.gateway.dpop;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Remembers DPoP proof identifiers for as long as a proof could still be accepted. */
public interface ReplayStore {

    /**
     * Records {@code key} for {@code window}, atomically: {@code true} when it was not there (first use),
     * {@code false} when it was (a replay). Fails with {@link ReplayStoreFullException} or a dependency error when the
     * store cannot answer; it never forgets a live key to make room.
     */
    Mono<Boolean> firstUse(String key, Duration window);
}
