package dev.tollgate.fallback;

import java.time.Duration;

/**
 * How one dependency is guarded: a time limit, a circuit breaker and a bulkhead. Every component is nullable so a
 * record can be an override that names only what it changes; {@link #over} fills the gaps from a base.
 *
 * @param template                   the named template this one starts from ({@code default} when null)
 * @param timeLimit                  a call that takes longer fails with {@code TIMEOUT}
 * @param failureRateThreshold       percentage of failed (or slow) calls that opens the breaker
 * @param slowCallDuration           calls slower than this count as slow
 * @param slidingWindowSize          number of recent calls the breaker looks at
 * @param minimumNumberOfCalls       calls needed before the breaker may open
 * @param waitInOpen                 how long the breaker stays open before letting trial calls through
 * @param permittedCallsInHalfOpen   trial calls that decide whether to close again
 * @param maxConcurrentCalls         bulkhead: calls in flight at once; more are rejected at once, never queued
 */
public record DependencySettings(String template, Duration timeLimit, Integer failureRateThreshold,
                                 Duration slowCallDuration, Integer slidingWindowSize, Integer minimumNumberOfCalls,
                                 Duration waitInOpen, Integer permittedCallsInHalfOpen, Integer maxConcurrentCalls) {

    /** The built-in {@code default} template: safe for a loopback or in-cluster dependency. */
    public static final DependencySettings DEFAULTS = new DependencySettings(null, Duration.ofMillis(500), 50,
            Duration.ofMillis(400), 20, 10, Duration.ofSeconds(5), 3, 256);

    /** Nothing set: everything from the template chain. */
    public static final DependencySettings UNSET = new DependencySettings(null, null, null, null, null, null, null, null,
            null);

    /** The same settings with this time limit. */
    public DependencySettings withTimeLimit(Duration limit) {
        return new DependencySettings(template, limit, failureRateThreshold, slowCallDuration, slidingWindowSize,
                minimumNumberOfCalls, waitInOpen, permittedCallsInHalfOpen, maxConcurrentCalls);
    }

    /** This record's values where set, {@code base}'s elsewhere. */
    public DependencySettings over(DependencySettings base) {
        return new DependencySettings(template != null ? template : base.template,
                timeLimit != null ? timeLimit : base.timeLimit,
                failureRateThreshold != null ? failureRateThreshold : base.failureRateThreshold,
                slowCallDuration != null ? slowCallDuration : base.slowCallDuration,
                slidingWindowSize != null ? slidingWindowSize : base.slidingWindowSize,
                minimumNumberOfCalls != null ? minimumNumberOfCalls : base.minimumNumberOfCalls,
                waitInOpen != null ? waitInOpen : base.waitInOpen,
                permittedCallsInHalfOpen != null ? permittedCallsInHalfOpen : base.permittedCallsInHalfOpen,
                maxConcurrentCalls != null ? maxConcurrentCalls : base.maxConcurrentCalls);
    }

    /** Fails on values that cannot guard anything. */
    public DependencySettings validated(String name) {
        require(timeLimit != null && !timeLimit.isNegative() && !timeLimit.isZero(), name, "time-limit must be > 0");
        require(failureRateThreshold != null && failureRateThreshold > 0 && failureRateThreshold <= 100, name,
                "failure-rate-threshold must be 1..100");
        require(slowCallDuration != null && !slowCallDuration.isNegative() && !slowCallDuration.isZero(), name,
                "slow-call-duration must be > 0");
        require(slidingWindowSize != null && slidingWindowSize > 0, name, "sliding-window-size must be > 0");
        require(minimumNumberOfCalls != null && minimumNumberOfCalls > 0, name, "minimum-number-of-calls must be > 0");
        require(waitInOpen != null && !waitInOpen.isNegative() && !waitInOpen.isZero(), name, "wait-in-open must be > 0");
        require(permittedCallsInHalfOpen != null && permittedCallsInHalfOpen > 0, name,
                "permitted-calls-in-half-open must be > 0");
        require(maxConcurrentCalls != null && maxConcurrentCalls > 0, name, "max-concurrent-calls must be > 0");
        return this;
    }

    private static void require(boolean ok, String name, String message) {
        if (!ok) {
            throw new IllegalArgumentException("dependency " + name + ": " + message);
        }
    }
}
