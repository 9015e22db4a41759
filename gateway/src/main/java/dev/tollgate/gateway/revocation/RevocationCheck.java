package dev.tollgate.gateway.revocation;

/**
 * The answer of the revocation list for one request.
 *
 * @param revokedBy  the matching revocation key ({@code principal:spiffe://...}), or {@code null} when nothing matched
 * @param staleMillis how old the list's view may be: 0 when it is known current; grows while its source is unreachable
 */
public record RevocationCheck(String revokedBy, long staleMillis) {

    public boolean revoked() {
        return revokedBy != null;
    }
}
