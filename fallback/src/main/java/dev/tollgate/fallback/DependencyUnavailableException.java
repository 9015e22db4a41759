package dev.tollgate.fallback;

/** A guarded call did not produce a result: timed out, breaker open, bulkhead full, or the call failed. */
public class DependencyUnavailableException extends RuntimeException {

    /** Why the dependency was not available; stable names for logs and metrics. */
    public enum Reason { TIMEOUT, CIRCUIT_OPEN, BULKHEAD_FULL, FAILED }

    private final String dependency;
    private final Reason reason;

    public DependencyUnavailableException(String dependency, Reason reason, Throwable cause) {
        super(dependency + " unavailable: " + reason.name().toLowerCase(java.util.Locale.ROOT), cause);
        this.dependency = dependency;
        this.reason = reason;
    }

    public String dependency() {
        return dependency;
    }

    public Reason reason() {
        return reason;
    }
}
