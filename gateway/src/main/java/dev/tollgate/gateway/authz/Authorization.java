package dev.tollgate.gateway.authz;

import java.util.List;

/**
 * A policy decision as the gateway obtained it.
 *
 * @param decidingRules the rules that decided (forbids when denied, permits when allowed; empty for a default deny)
 * @param revision      the tenant policy revision that decided
 * @param cache         {@code L1}, {@code L2} or {@code MISS} (evaluated now)
 * @param failureMode   the failure mode taken because a dependency was down ({@code null} when none)
 * @param degraded      whether a degrade allowance was used
 * @param errors        conditions that failed to evaluate, as {@code rule-id: message}
 */
public record Authorization(boolean allowed, List<String> decidingRules, String revision, String cache,
                            String failureMode, boolean degraded, List<String> errors) {

    public Authorization {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /**
     * Several decisions that must all allow (the messages of one MCP POST): allowed only if each is; the deciding
     * rules are the denials' when any denies, else every permit's.
     */
    public static Authorization allOf(List<Authorization> decisions) {
        boolean allowed = decisions.stream().allMatch(Authorization::allowed);
        java.util.Set<String> rules = new java.util.TreeSet<>();
        java.util.List<String> errors = new java.util.ArrayList<>();
        String failureMode = null;
        boolean degraded = false;
        for (Authorization d : decisions) {
            if (d.allowed() == allowed) {
                rules.addAll(d.decidingRules());
            }
            errors.addAll(d.errors());
            failureMode = failureMode == null ? d.failureMode() : failureMode;
            degraded |= d.degraded();
        }
        Authorization first = decisions.get(0);
        return new Authorization(allowed, List.copyOf(rules), first.revision(), first.cache(), failureMode, degraded,
                errors);
    }
}
