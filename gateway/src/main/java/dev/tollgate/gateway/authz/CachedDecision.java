package dev.tollgate.gateway.authz;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A decision as the cache keeps it.
 *
 * @param attributes the values of the attributes the rules read when deciding (name → value as text)
 * @param decidedAt  when it was evaluated (how stale it is when served)
 * @param expiresAt  never later than the credential's expiry or the end of a time window the decision depends on
 */
public record CachedDecision(boolean allowed, List<String> decidingRules, String revision,
                             Map<String, String> attributes, Instant decidedAt, Instant expiresAt) {

    public CachedDecision {
        decidingRules = List.copyOf(decidingRules);
        attributes = Map.copyOf(attributes);
    }

    /** Whether this request's values of the attributes the decision depended on are the same. */
    public boolean matches(Function<String, String> current) {
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!Objects.equals(e.getValue(), current.apply(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
