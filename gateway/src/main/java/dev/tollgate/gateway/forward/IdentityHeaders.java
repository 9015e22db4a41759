package dev.tollgate.gateway.forward;

import dev.tollgate.gateway.authn.Authentication;
import dev.tollgate.gateway.authn.CredentialNames;
import dev.tollgate.policy.Principal;
import org.springframework.http.HttpHeaders;

/**
 * The headers an upstream can trust: Tollgate sets them from the verified principal and removes any a client sent
 * (so they cannot be forged), and strips the inbound credentials unless the route keeps them.
 */
public final class IdentityHeaders {

    public static final String PREFIX = "X-Tollgate-";
    public static final String PRINCIPAL = PREFIX + "Principal";
    public static final String TENANT = PREFIX + "Tenant";
    public static final String TRUST_DOMAIN = PREFIX + "Trust-Domain";
    public static final String CREDENTIALS = PREFIX + "Credentials";
    public static final String DECISION_ID = PREFIX + "Decision-Id";
    /** A delegated call's actors (RFC 8693), current first, comma-separated; absent for a direct call. */
    public static final String ACTORS = PREFIX + "Actors";

    private IdentityHeaders() {
    }

    /** Whether a client sent a header that {@link #removeForged} would remove: most requests carry none. */
    public static boolean anyForged(HttpHeaders headers) {
        for (String name : headers.headerNames()) {
            if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || name.equalsIgnoreCase("Txn-Token")) {
                return true;
            }
        }
        return false;
    }

    /** Removes every inbound header an upstream might take as identity. */
    public static void removeForged(HttpHeaders headers) {
        headers.headerNames().removeIf(name -> name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()));
        // Only Tollgate mints transaction tokens for its upstreams; a client's would be a replayed one.
        headers.remove("Txn-Token");
    }

    public static void stripCredentials(HttpHeaders headers) {
        headers.remove(HttpHeaders.AUTHORIZATION);
        headers.remove(HttpHeaders.PROXY_AUTHORIZATION);
        headers.remove("DPoP");
    }

    public static void add(HttpHeaders headers, Authentication authentication, String decisionId) {
        Principal p = authentication.principal();
        headers.set(PRINCIPAL, p.id());
        headers.set(TENANT, p.tenant());
        if (p.trustDomain() != null) {
            headers.set(TRUST_DOMAIN, p.trustDomain());
        }
        headers.set(CREDENTIALS, CredentialNames.forHeader(p.provenBy()));
        headers.set(DECISION_ID, decisionId);
        if (p.delegated()) {
            headers.set(ACTORS, String.join(",", p.actors()));
        }
    }
}
