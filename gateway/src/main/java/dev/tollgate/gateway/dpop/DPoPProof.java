package dev.tollgate.gateway.dpop;

import java.time.Instant;

/**
 * A proof that passed every stateless check; only the replay check remains.
 *
 * @param jti       the proof's identifier, as sent (bounded length)
 * @param jkt       base64url SHA-256 thumbprint of the proof's key (RFC 7638)
 * @param issuedAt  the proof's {@code iat}
 * @param replayKey the replay store's key: a digest of {@code jkt} and {@code jti}, fixed size whatever the client sent
 */
public record DPoPProof(String jti, String jkt, Instant issuedAt, String replayKey) {
}
