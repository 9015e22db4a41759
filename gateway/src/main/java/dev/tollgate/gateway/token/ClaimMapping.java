package dev.tollgate.gateway.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.policy.SpiffeId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an issuer's verified claims become a principal, a tenant and principal attributes, per its preset:
 * <ul>
 *   <li>{@code jwt-svid}: {@code sub} must be a SPIFFE ID of the issuer's trust domain; it is the principal;</li>
 *   <li>{@code kubernetes}: a projected service-account token; {@code kubernetes.io} names the namespace, service
 *       account and pod, and {@code sub} must be {@code system:serviceaccount:<namespace>:<name>}. With a
 *       {@code trust-domain}, the principal is the workload's SPIFFE ID in the Kubernetes form,
 *       {@code spiffe://<trust-domain>/ns/<namespace>/sa/<name>} — the same identity as its X.509-SVID, so tenant
 *       mapping, policy and mTLS binding treat both alike; without one, it is the {@code sub};</li>
 *   <li>{@code oidc}: the {@code principal-claim} (default {@code sub}). An IdP names its own clients; a SPIFFE ID
 *       belongs to a trust domain, so the claim may name one only of the issuer's {@code trust-domains} — as a CA
 *       may issue SVIDs only for its own trust domain.</li>
 * </ul>
 * The tenant is the issuer's fixed {@code tenant}, else its {@code tenant-claim}, else (left {@code null}) the tenant of
 * the principal's SPIFFE trust domain.
 */
final class ClaimMapping {

    record Mapped(String principal, String tenant, Map<String, String> attributes) {
    }

    private ClaimMapping() {
    }

    static Mapped map(IssuerSettings s, JWTClaimsSet claims) {
        Map<String, String> attributes = new LinkedHashMap<>();
        String principal = switch (s.preset()) {
            case IssuerSettings.JWT_SVID -> jwtSvid(s, claims);
            case IssuerSettings.KUBERNETES -> kubernetes(s, claims, attributes);
            default -> oidc(s, claims);
        };
        if (principal == null || principal.isBlank()) {
            throw new TokenRejectedException("token.principal", "token does not name a principal in '"
                    + s.principalClaim() + "'");
        }
        String tenant = s.tenant();
        if (tenant == null && s.tenantClaim() != null) {
            tenant = string(claims.getClaim(s.tenantClaim()));
            if (tenant == null) {
                throw new TokenRejectedException("token.tenant", "token does not name a tenant");
            }
        }
        return new Mapped(principal, tenant, Map.copyOf(attributes));
    }

    private static String jwtSvid(IssuerSettings s, JWTClaimsSet claims) {
        SpiffeId id = spiffeId(claims.getSubject(), "token.jwt-svid.subject", "a JWT-SVID's subject must be a SPIFFE ID");
        if (!id.trustDomain().equals(s.trustDomain())) {
            throw new TokenRejectedException("token.jwt-svid.trust-domain",
                    "the JWT-SVID's subject is not in the issuer's trust domain");
        }
        return id.toString();
    }

    private static String oidc(IssuerSettings s, JWTClaimsSet claims) {
        String principal = string(claims.getClaim(s.principalClaim()));
        if (principal == null || !principal.regionMatches(true, 0, "spiffe:", 0, "spiffe:".length())) {
            return principal;
        }
        SpiffeId id = spiffeId(principal, "token.principal", "the token's principal is not a valid SPIFFE ID");
        if (!s.trustDomains().contains(id.trustDomain())) {
            throw new TokenRejectedException("token.principal.trust-domain",
                    "the issuer may not vouch for SPIFFE IDs of this trust domain");
        }
        return id.toString();
    }

    /** {@code value} as a SPIFFE ID, or a rejection with {@code reason}. */
    private static SpiffeId spiffeId(String value, String reason, String description) {
        try {
            return SpiffeId.workload(value);
        } catch (RuntimeException e) {
            throw new TokenRejectedException(reason, description);
        }
    }

    private static String kubernetes(IssuerSettings s, JWTClaimsSet claims, Map<String, String> attributes) {
        if (!(claims.getClaim("kubernetes.io") instanceof Map<?, ?> k8s)) {
            throw new TokenRejectedException("token.kubernetes", "not a Kubernetes service-account token");
        }
        String namespace = string(k8s.get("namespace"));
        String account = k8s.get("serviceaccount") instanceof Map<?, ?> sa ? string(sa.get("name")) : null;
        if (namespace == null || account == null) {
            throw new TokenRejectedException("token.kubernetes", "the token names no namespace or service account");
        }
        String subject = "system:serviceaccount:" + namespace + ":" + account;
        if (!subject.equals(claims.getSubject())) {
            throw new TokenRejectedException("token.kubernetes", "the token's subject disagrees with its service"
                    + " account");
        }
        attributes.put("namespace", namespace);
        attributes.put("service_account", account);
        if (k8s.get("pod") instanceof Map<?, ?> pod && string(pod.get("name")) != null) {
            attributes.put("pod", string(pod.get("name")));
        }
        if (s.trustDomain() == null) {
            return subject;
        }
        return spiffeId("spiffe://" + s.trustDomain() + "/ns/" + namespace + "/sa/" + account, "token.kubernetes",
                "the namespace or service account is not a valid SPIFFE path segment").toString();
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }
}
