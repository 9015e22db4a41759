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
 */
public record Rule(String id, Effect effect, PrincipalMatcher principal, Set<String> actions,
                   ResourcePattern resource, Condition condition, Schedule schedule, Instant expires,
                   boolean crossTenant, String source) {

    public Rule {
        actions = Set.copyOf(actions);
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
