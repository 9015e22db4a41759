package dev.tollgate.policy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The answer to an {@link AccessRequest} and why.
 *
 * @param allowed          true only when some permit rule applied and no forbid rule did
 * @param decidingRules    ids of the rules that decided: the forbids that applied when denied, the permits when allowed,
 *                         empty for a default deny
 * @param errors           conditions that failed to evaluate (their rules did not apply)
 * @param revision         the tenant policy revision that decided ({@code null} when the tenant has no policy)
 * @param evaluationNanos  time spent evaluating
 * @param validUntil       the decision may be reused until this instant at the latest (a time window's end, a grant's
 *                         expiry); {@code null} when time plays no part
 * @param attributesRead   request attributes the applicable rules' conditions read (beyond principal, action and
 *                         resource), so a cache key can include exactly those
 */
public record Decision(boolean allowed, List<String> decidingRules, List<EvaluationError> errors, Revision revision,
                       long evaluationNanos, Instant validUntil, Set<String> attributesRead) {
    public Decision {
        decidingRules = List.copyOf(decidingRules);
        errors = List.copyOf(errors);
        attributesRead = attributesRead == null ? Set.of() : Set.copyOf(attributesRead);
    }
}
