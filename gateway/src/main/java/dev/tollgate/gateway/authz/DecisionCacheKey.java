package dev.tollgate.gateway.authz;

import dev.tollgate.gateway.crypto.Sha256;

/**
 * What a cached decision is about: tenant, policy revision, principal, action and resource. The principal is its whole
 * identity — id, the issuer that vouched for it, the tenant it was mapped to and who acts for it (a delegated call is
 * not the principal's own) — because policy tells two
 * {@code 3f1c-client}s from two issuers apart. The context attributes the
 * deciding rules read are checked separately against the entry ({@link CachedDecision#matches}), so a decision is
 * reused only for a request it would have decided the same way. A new revision is a new key: an old entry is never
 * read by a new revision.
 */
public record DecisionCacheKey(String tenant, String revision, String principal, String issuer,
                               String principalTenant, java.util.List<String> actors, String action, String resource) {

    /** A fixed-length form for Redis keys (identifiers can be long; never let a client size our keys). */
    public String digest() {
        return Sha256.hex(tenant + '\n' + revision + '\n' + principal + '\n' + issuer + '\n' + principalTenant + '\n'
                + String.join("\u0000", actors) + '\n' + action + '\n' + resource);
    }

    /** A digest of entries looked up from the entity store, for keys of decisions they took part in. */
    public static String entitiesDigest(dev.tollgate.policy.RequestEntities e) {
        return Sha256.hex(new java.util.TreeSet<>(e.principalGroups()) + "\n" + new java.util.TreeMap<>(
                e.principalAttributes()) + "\n" + new java.util.TreeMap<>(e.resourceAttributes()));
    }
}
