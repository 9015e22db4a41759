package dev.tollgate.policy;

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
 */
public record Principal(String id, String trustDomain, String tenant, String issuer,
                        Map<String, Object> claims, Set<CredentialKind> provenBy) {
    public Principal {
        claims = claims == null ? Map.of() : Map.copyOf(claims);
        provenBy = provenBy == null ? Set.of() : Set.copyOf(provenBy);
    }
}
