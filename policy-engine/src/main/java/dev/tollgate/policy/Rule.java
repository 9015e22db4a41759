package dev.tollgate.policy;

import java.time.Instant;
import java.util.Set;

/**
 * One policy rule: when its principal, action and resource match, and its schedule, expiry and condition allow, it
 * applies with its effect.
 *
 * @param actions     HTTP methods or named actions; empty means any
 * @param condition   CEL condition or {@code null}
 * @param schedule    recurring window or {@code null}
 * @param expires     a just-in-time grant's end or {@code null}
 * @param crossTenant an explicit grant to principals of other tenants
 * @param source      file and line, for explanations and errors
 * @param actor       for a permit: {@code null} lets only direct calls in; otherwise delegated calls whose current
 *                    actor matches ({@link PrincipalMatcher.Any} for any actor) — a delegated call is never mistaken
 *                    for a direct one. For a forbid: {@code null} forbids every call, direct or delegated (a forbid
 *                    written before delegation existed keeps holding); otherwise only delegated calls whose current
 *                    actor matches.
 */
public record Rule(String id, Effect effect, PrincipalMatcher principal, Set<String> actions,
                   ResourcePattern resource, Condition condition, Schedule schedule, Instant expires,
                   boolean crossTenant, String source, PrincipalMatcher actor) {

    public Rule {
        actions = Set.copyOf(actions);
    }

    /** A rule about direct calls. */
    public Rule(String id, Effect effect, PrincipalMatcher principal, Set<String> actions, ResourcePattern resource,
                Condition condition, Schedule schedule, Instant expires, boolean crossTenant, String source) {
        this(id, effect, principal, actions, resource, condition, schedule, expires, crossTenant, source, null);
    }

    /** Whether the call's delegation is what this rule speaks about. */
    boolean matchesDelegation(Principal principal) {
        if (actor == null) {
            return effect == Effect.FORBID || !principal.delegated();
        }
        if (!principal.delegated()) {
            return false;
        }
        String id = principal.actor();
        String td = PrincipalMatcher.workloadOrNull(id) == null ? null : PrincipalMatcher.trustDomainOf(id);
        // The actor was vouched for by the same token issuer as the principal (it is a claim of that token).
        return actor.matches(new Principal(id, td, null, principal.issuer(), null, null));
    }

    boolean matchesAction(String action) {
        return actions.isEmpty() || actions.contains(action);
    }

    /** Whether time (a schedule or an expiry) plays a part in whether this rule applies. */
    boolean timeBound() {
        return schedule != null || expires != null || condition != null && condition.readsTime();
    }

    boolean inTime(Instant now) {
        return (expires == null || now.isBefore(expires)) && (schedule == null || schedule.contains(now));
    }
}
