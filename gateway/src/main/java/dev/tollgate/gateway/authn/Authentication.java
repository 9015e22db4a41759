package dev.tollgate.gateway.authn;

import dev.tollgate.fallback.FallbackTaken;
import dev.tollgate.policy.Principal;
import java.time.Instant;

/**
 * A request's proven identity: the principal plus references to the credentials that proved it (for the decision
 * log and for revocation), never the credentials themselves.
 *
 * @param tokenId          the presented token's id (hex SHA-256 of its signing input), or {@code null} without a token
 * @param jti                the token's {@code jti}, or {@code null}
 * @param jkt                thumbprint of the DPoP key the token is bound to, or {@code null}
 * @param x5t                SHA-256 thumbprint of the client certificate, or {@code null} without mTLS
 * @param credentialExpiry   when the earliest credential expires; nothing derived from this request may outlive it
 * @param fallback           a failure mode taken while authenticating (DPoP replay store down), or {@code null}
 */
public record Authentication(Principal principal, String tokenId, String jti, String jkt, String x5t,
                             Instant credentialExpiry, FallbackTaken fallback) {

    public Authentication(Principal principal, String tokenId, String jti, String jkt, String x5t,
                          Instant credentialExpiry) {
        this(principal, tokenId, jti, jkt, x5t, credentialExpiry, null);
    }

    public Authentication withFallback(FallbackTaken taken) {
        return new Authentication(principal, tokenId, jti, jkt, x5t, credentialExpiry, taken);
    }
}
