package dev.tollgate.gateway.identity;

import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;

/** Where a trust domain's bundle comes from: a local file (read once) or a SPIFFE bundle endpoint (kept fresh). */
public interface TrustBundleSource extends AutoCloseable {

    /** The last good bundle (an empty one before the first successful load). */
    SpiffeBundle current();

    /** Fetches now (in the background; never call from a request path and wait). Fails if the fetch fails. */
    Mono<Void> refresh();

    /** Whether the bundle has gone unconfirmed for longer than {@code bound}. A local file is never stale. */
    boolean stale(Instant now, Duration bound);

    @Override
    default void close() {
    }
}
