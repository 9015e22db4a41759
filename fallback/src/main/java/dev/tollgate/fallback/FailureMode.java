package dev.tollgate.fallback;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * What a route does when a dependency it needs is down: {@link FailClosed} (the default — refuse with 503) or
 * {@link Degrade}, which names exactly what it allows instead. There is no "allow everything": a degrade must name at
 * least one allowance, and a degraded route never allows a request its policy would deny — degrading changes how a
 * dependency's answer is obtained, or narrows what is allowed, never widens it.
 */
public sealed interface FailureMode permits FailureMode.FailClosed, FailureMode.Degrade {

    FailureMode FAIL_CLOSED = new FailClosed(Duration.ofSeconds(5));

    /** Refuse: 503 with {@code Retry-After}. */
    record FailClosed(Duration retryAfter) implements FailureMode {
        public FailClosed {
            retryAfter = retryAfterOrDefault(retryAfter);
        }
    }

    /**
     * Keep serving, within stated bounds.
     *
     * @param serveStaleDecisions  decisions (and the revocation view they were checked against) may be this old;
     *                             {@code null}: not allowed
     * @param localReplayStore     DPoP replay checks fall back to this instance's in-process store (a proof replayed
     *                             to another instance is then not caught)
     * @param safeMethodsOnly      only GET, HEAD and OPTIONS are let through while degraded
     * @param principals           only these principals are let through while degraded (empty: no restriction)
     * @param retryAfter           for requests the degrade does not cover
     */
    record Degrade(Duration serveStaleDecisions, boolean localReplayStore, boolean safeMethodsOnly,
                   Set<String> principals, Duration retryAfter) implements FailureMode {

        public Degrade {
            principals = principals == null ? Set.of() : Set.copyOf(principals);
            retryAfter = retryAfterOrDefault(retryAfter);
            if (serveStaleDecisions == null && !localReplayStore) {
                throw new IllegalArgumentException("failure-mode degrade must allow serve-stale-decisions and/or"
                        + " local-replay-store (there is no 'allow everything'); safe-methods-only and principals"
                        + " only narrow what a degrade lets through");
            }
            if (serveStaleDecisions != null && (serveStaleDecisions.isNegative() || serveStaleDecisions.isZero())) {
                throw new IllegalArgumentException("failure-mode degrade: serve-stale-decisions must be > 0");
            }
        }

        /** Whether the narrowing rules let this request through while degraded. */
        public boolean admits(String method, String principal) {
            return (!safeMethodsOnly || isSafe(method)) && (principals.isEmpty() || principals.contains(principal));
        }

        private static boolean isSafe(String method) {
            return switch (method.toUpperCase(Locale.ROOT)) {
                case "GET", "HEAD", "OPTIONS" -> true;
                default -> false;
            };
        }
    }

    /**
     * {@code Retry-After} counts whole seconds: less than one second was silently sent as 1, a negative value too.
     * Refused instead, like every other out-of-range setting.
     */
    private static Duration retryAfterOrDefault(Duration retryAfter) {
        if (retryAfter == null) {
            return Duration.ofSeconds(5);
        }
        if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("failure-mode: retry-after must be at least 1s (Retry-After counts"
                    + " whole seconds), was " + retryAfter);
        }
        return retryAfter;
    }

    default Duration retryAfter() {
        return this instanceof FailClosed f ? f.retryAfter() : ((Degrade) this).retryAfter();
    }
}
