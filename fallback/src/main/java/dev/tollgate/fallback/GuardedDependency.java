package dev.tollgate.fallback;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link Dependency} guarded by Resilience4j: bulkhead (reject at once when full), circuit breaker (once open, a
 * call costs nothing), time limit (a slow call costs at most the limit). Every failure surfaces as a
 * {@link DependencyUnavailableException} with its reason. The time limit's timer runs on the registry's scheduler
 * (Reactor's default when it names none).
 */
final class GuardedDependency implements Dependency {

    private final String name;
    private final Duration timeLimit;
    private final Scheduler timer;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final DependencyListener listener;

    GuardedDependency(String name, DependencySettings s, DependencyListener listener, Scheduler timer) {
        this.name = name;
        this.timeLimit = s.timeLimit();
        this.timer = timer;
        this.listener = listener;
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(s.failureRateThreshold())
                .slowCallRateThreshold(s.failureRateThreshold())
                .slowCallDurationThreshold(s.slowCallDuration())
                .slidingWindowSize(s.slidingWindowSize())
                .minimumNumberOfCalls(s.minimumNumberOfCalls())
                .waitDurationInOpenState(s.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(s.permittedCallsInHalfOpen())
                // Recovery needs no restart and no traffic: the breaker half-opens by itself when the wait is over.
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(s.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
        breaker.getEventPublisher().onStateTransition(e ->
                listener.stateChanged(name, e.getStateTransition().getToState().name()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public <T> Mono<T> call(Supplier<Mono<T>> call) {
        Mono<T> limited = timer == null ? Mono.defer(call).timeout(timeLimit)
                : Mono.defer(call).timeout(timeLimit, timer);
        return limited
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .doOnSuccess(v -> listener.succeeded(name))
                .onErrorMap(e -> !(e instanceof DependencyUnavailableException), this::unavailable);
    }

    private DependencyUnavailableException unavailable(Throwable e) {
        DependencyUnavailableException.Reason reason;
        if (e instanceof TimeoutException) {
            reason = DependencyUnavailableException.Reason.TIMEOUT;
        } else if (e instanceof CallNotPermittedException) {
            reason = DependencyUnavailableException.Reason.CIRCUIT_OPEN;
        } else if (e instanceof BulkheadFullException) {
            reason = DependencyUnavailableException.Reason.BULKHEAD_FULL;
        } else {
            reason = DependencyUnavailableException.Reason.FAILED;
        }
        listener.failed(name, reason);
        return new DependencyUnavailableException(name, reason, e);
    }

    /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN} (or Resilience4j's other states). */
    String state() {
        return breaker.getState().name();
    }
}
