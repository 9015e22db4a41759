package dev.tollgate.fallback;

import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A remote thing Tollgate needs (Redis, a JWKS endpoint, a bundle endpoint, an upstream), guarded by a time limit,
 * a circuit breaker and a bulkhead. A call that times out, finds the breaker open or the bulkhead full, or fails,
 * ends with {@link DependencyUnavailableException}: what happens next is the caller's declared failure mode.
 */
public interface Dependency {

    /** The dependency's name, as configured (for example {@code redis}, {@code issuer:k8s}). */
    String name();

    /** Subscribes to {@code call} under this dependency's time limit, circuit breaker and bulkhead. */
    <T> Mono<T> call(Supplier<Mono<T>> call);
}
