package dev.tollgate.gateway.authz;

import dev.tollgate.policy.Decision;

/**
 * A policy decision as the gateway obtained it.
 *
 * @param cache       {@code L1}, {@code L2} or {@code MISS} (evaluated now)
 * @param failureMode the failure mode taken to obtain it when a dependency was down, or {@code null}
 */
public record Authorization(Decision decision, String cache, String failureMode) {

    public boolean degraded() {
        return failureMode != null;
    }
}
