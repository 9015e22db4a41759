package dev.tollgate.gateway.dpop;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Proof checking settings ({@code tollgate.dpop.*}); see gateway/DPOP.md.
 *
 * @param algorithms     accepted proof algorithms (asymmetric only), advertised in {@code algs="..."}
 * @param proofMaxAge    how old a proof's {@code iat} may be; also how long its {@code jti} is remembered
 * @param clockSkew      tolerance for clients' clocks, either way
 * @param maxProofBytes  largest {@code DPoP} header accepted
 * @param maxJtiLength   longest {@code jti} accepted
 * @param externalUri    scheme, host and port clients use to reach Tollgate (behind a trusted proxy); {@code null}:
 *                       the request's own
 * @param nonceSecret    base64 secret shared by every instance, from which nonces are derived; {@code null}: a random
 *                       one per instance (nonces then only work with a single instance)
 * @param nonceLifetime  how long a nonce is valid (the previous one is also accepted)
 * @param localReplayCapacity most {@code jti}s the in-process replay store holds; when full it refuses new proofs
 *                       rather than forget live ones
 */
public record DPoPSettings(List<String> algorithms, Duration proofMaxAge, Duration clockSkew, int maxProofBytes,
                           int maxJtiLength, URI externalUri, String nonceSecret, Duration nonceLifetime,
                           int localReplayCapacity) {

    public static final List<String> DEFAULT_ALGORITHMS = List.of("ES256", "EdDSA", "ES384", "RS256", "PS256");

    public DPoPSettings {
        algorithms = algorithms == null || algorithms.isEmpty() ? DEFAULT_ALGORITHMS : List.copyOf(algorithms);
        proofMaxAge = proofMaxAge == null ? Duration.ofSeconds(60) : proofMaxAge;
        clockSkew = clockSkew == null ? Duration.ofSeconds(10) : clockSkew;
        maxProofBytes = maxProofBytes <= 0 ? 4096 : maxProofBytes;
        maxJtiLength = maxJtiLength <= 0 ? 128 : maxJtiLength;
        nonceLifetime = nonceLifetime == null ? Duration.ofMinutes(5) : nonceLifetime;
        localReplayCapacity = localReplayCapacity <= 0 ? 500_000 : localReplayCapacity;
    }

    public static DPoPSettings defaults() {
        return new DPoPSettings(null, null, null, 0, 0, null, null, null, 0);
    }

    /** How long a {@code jti} must be remembered: as long as a proof carrying it could still be accepted. */
    public Duration replayWindow() {
        return proofMaxAge.plus(clockSkew).plus(clockSkew);
    }
}
