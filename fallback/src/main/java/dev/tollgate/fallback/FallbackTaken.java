package dev.tollgate.fallback;

/**
 * What happened when a dependency was unavailable, for the decision log and metrics.
 *
 * @param dependency the dependency's name
 * @param reason     why it was unavailable
 * @param allowance  the degrade allowance used ({@code served-stale-decision}, {@code local-replay-store}), or
 *                   {@code fail-closed}
 */
public record FallbackTaken(String dependency, DependencyUnavailableException.Reason reason, String allowance) {

    /** The decision log's {@code failure_mode} value, e.g. {@code degraded:served-stale-decision (redis timeout)}. */
    public String describe() {
        String why = reason == null ? "" : " (" + dependency + " " + reason.name().toLowerCase(java.util.Locale.ROOT)
                + ")";
        return ("fail-closed".equals(allowance) ? "fail-closed" : "degraded:" + allowance) + why;
    }

    public boolean degraded() {
        return !"fail-closed".equals(allowance);
    }
}
