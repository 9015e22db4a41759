package dev.tollgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verified workload asking for access, as the gateway established it.
 *
 * @param id          the workload identity, usually a SPIFFE ID ({@code spiffe://td/ns/app})
 * @param trustDomain the trust domain that vouches for {@code id}
 * @param tenant      the tenant the workload belongs to
 * @param issuer      the token issuer, or {@code null} when only mTLS proved it
 * @param claims      verified token claims and mapped attributes (never the raw token)
 * @param provenBy    which credentials proved it
 * @param actors      for a delegated call (RFC 8693 {@code act}), who acts on {@code id}'s behalf: the current actor
 *                    (the party that presented the credential) first, then the earlier ones; empty for a direct call
 */
public record Principal(String id, String trustDomain, String tenant, String issuer,
                        Map<String, Object> claims, Set<CredentialKind> provenBy, List<String> actors) {
    public Principal {
        claims = claims == null ? Map.of() : Map.copyOf(claims);
        provenBy = provenBy == null ? Set.of() : Set.copyOf(provenBy);
        actors = actors == null ? List.of() : List.copyOf(actors);
    }

    /** A direct call: the principal acts for itself. */
    public Principal(String id, String trustDomain, String tenant, String issuer, Map<String, Object> claims,
                     Set<CredentialKind> provenBy) {
        this(id, trustDomain, tenant, issuer, claims, provenBy, List.of());
    }

    /** Someone acts on this principal's behalf. */
    public boolean delegated() {
        return !actors.isEmpty();
    }

    /** The party that presented the credential for a delegated call ({@code act.sub}), or {@code null}. */
    public String actor() {
        return actors.isEmpty() ? null : actors.get(0);
    }
}
