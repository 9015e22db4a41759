package dev.tollgate.gateway.token;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which JOSE {@code typ} values an issuer's tokens may carry (issue 12, class 6). A JWT that verifies is not therefore
 * an access token: a DPoP proof, a logout token or a security event token signed by a trusted key must not open a
 * route. With {@code token-types} set, the header's {@code typ} must be present and one of them (RFC 9068 §2.1:
 * {@code at+jwt}; RFC 8725 §3.11 explicit typing); without, every {@code typ} is accepted except those registered for
 * JWTs that are never access tokens.
 */
final class TokenTypes {

    /**
     * JWT types registered (IANA media types, OpenID and IETF specs) for tokens that are not access tokens. Other
     * issuers' private types are not guessed at: name the accepted ones with {@code token-types}.
     */
    static final Set<String> NEVER_ACCESS_TOKENS = Set.of(
            "dpop+jwt",                      // RFC 9449 DPoP proof
            "logout+jwt",                    // OpenID back-channel logout token
            "secevent+jwt",                  // RFC 8417 security event token
            "oauth-authz-req+jwt",           // RFC 9101 request object
            "token-introspection+jwt",       // RFC 9701 introspection response
            "kb+jwt",                        // SD-JWT key-binding JWT
            "vc+sd-jwt", "dc+sd-jwt",        // SD-JWT verifiable credentials
            "entity-statement+jwt",          // OpenID Federation
            "trust-mark+jwt",                // OpenID Federation
            "oauth-client-attestation+jwt",  // OAuth attestation-based client authentication
            "oauth-client-attestation-pop+jwt",
            "client-authentication+jwt",     // client assertion (RFC 7523 profile)
            "txn+jwt", "txntoken+jwt",       // transaction tokens
            "wit+jwt", "wpt+jwt",            // WIMSE workload identity and proof tokens
            "jwk-set+jwt",
            "id_token+jwt", "idtoken+jwt");  // ID tokens, when an IdP types them

    private TokenTypes() {
    }

    /** A {@code typ} compared as RFC 7515 §4.1.9 says: case-insensitive, {@code application/} may be omitted. */
    static String normalise(String typ) {
        String t = typ.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("application/") ? t.substring("application/".length()) : t;
    }

    /** Normalised allow list from configuration; empty means the default rule. */
    static List<String> allowList(List<String> configured, String issuer) {
        if (configured == null) {
            return List.of();
        }
        for (String t : configured) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("issuer " + issuer + ": token-types has an empty entry");
            }
            if (NEVER_ACCESS_TOKENS.contains(normalise(t))) {
                throw new IllegalArgumentException("issuer " + issuer + ": token-types names '" + t
                        + "', which is never an access token");
            }
        }
        return configured.stream().map(TokenTypes::normalise).distinct().toList();
    }

    /**
     * Checks a token's header {@code typ} member as sent: absent ({@code null}), a string, or anything else (refused).
     */
    static void check(Object typ, List<String> allowed, boolean present) {
        if (present && !(typ instanceof String)) {
            throw new TokenRejectedException("token.header.typ", "the token's typ is not a string");
        }
        String normalised = typ == null ? null : normalise((String) typ);
        if (!allowed.isEmpty()) {
            if (normalised == null || !allowed.contains(normalised)) {
                throw new TokenRejectedException("token.header.typ", "the token's typ is not one this issuer's access"
                        + " tokens carry");
            }
        } else if (normalised != null && NEVER_ACCESS_TOKENS.contains(normalised)) {
            throw new TokenRejectedException("token.header.typ", "a " + normalised + " is not an access token");
        }
    }
}
