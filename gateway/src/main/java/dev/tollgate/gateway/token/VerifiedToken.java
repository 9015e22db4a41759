package dev.tollgate.gateway.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A workload token whose signature and claims have been verified.
 *
 * @param tokenHash  hex SHA-256 of the compact token: how logs and revocation refer to it
 * @param cnfX5tS256 RFC 8705 certificate thumbprint the token is bound to, or {@code null}
 * @param cnfJkt     RFC 9449 DPoP key thumbprint the token is bound to, or {@code null}
 */
public record VerifiedToken(String issuer, String subject, List<String> audience, Instant expiresAt, String jti,
                            String tokenHash, Map<String, Object> claims, String cnfX5tS256, String cnfJkt) {
}
