package dev.tollgate.gateway.token;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A workload token whose signature and claims have been verified.
 *
 * @param tokenId      hex SHA-256 of the signing input {@code header.payload}: how logs and revocation refer to it
 * @param cnfX5tS256   RFC 8705 certificate thumbprint the token is bound to, or {@code null}
 * @param cnfJkt       RFC 9449 DPoP key thumbprint the token is bound to, or {@code null}
 * @param principal    the principal the issuer vouches for (its {@code principal-claim}, by default {@code sub})
 * @param tenant       the tenant the issuer's mapping names, or {@code null} to take it from the trust domain
 * @param attributes   principal attributes the preset extracted (Kubernetes namespace, service account, pod)
 * @param actors       RFC 8693 actors acting for the principal, current first (empty: a direct call)
 * @param policyClaims what policy sees of the token (immutable): its claims but those that identify the token itself
 *                     ({@code jti}, {@code cnf}, {@code act}, {@code may_act}), dates as epoch seconds, plus the
 *                     attributes. Derived once here: a verified token is cached and presented many times.
 */
public record VerifiedToken(String issuer, String subject, List<String> audience, Instant expiresAt, String jti,
                            String tokenId, Map<String, Object> claims, String cnfX5tS256, String cnfJkt,
                            String principal, String tenant, Map<String, String> attributes, List<String> actors,
                            Map<String, Object> policyClaims) {

    private static final List<String> NOT_FOR_POLICY = List.of("jti", "cnf", "act", "may_act");

    public VerifiedToken {
        actors = actors == null ? List.of() : List.copyOf(actors);
    }

    public VerifiedToken(String issuer, String subject, List<String> audience, Instant expiresAt, String jti,
                         String tokenId, Map<String, Object> claims, String cnfX5tS256, String cnfJkt,
                         String principal, String tenant, Map<String, String> attributes, List<String> actors) {
        this(issuer, subject, audience, expiresAt, jti, tokenId, claims, cnfX5tS256, cnfJkt, principal, tenant,
                attributes, actors, policyClaims(claims, attributes));
    }

    public VerifiedToken(String issuer, String subject, List<String> audience, Instant expiresAt, String jti,
                         String tokenId, Map<String, Object> claims, String cnfX5tS256, String cnfJkt) {
        this(issuer, subject, audience, expiresAt, jti, tokenId, claims, cnfX5tS256, cnfJkt, subject, null,
                Map.of(), List.of());
    }

    private static Map<String, Object> policyClaims(Map<String, Object> claims, Map<String, String> attributes) {
        Map<String, Object> out = new HashMap<>(claims == null ? Map.of() : claims);
        out.keySet().removeAll(NOT_FOR_POLICY);
        out.replaceAll((k, v) -> v instanceof Date d ? d.toInstant().getEpochSecond() : v);
        if (attributes != null) {
            out.putAll(attributes);
        }
        // A claim whose value is null says nothing policy can use (Nimbus drops such top-level claims already).
        out.values().removeIf(java.util.Objects::isNull);
        return Map.copyOf(out);
    }
}
