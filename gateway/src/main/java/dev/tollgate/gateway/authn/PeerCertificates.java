package dev.tollgate.gateway.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.gateway.identity.SvidIdentity;
import dev.tollgate.policy.SpiffeId;
import java.security.cert.X509Certificate;

/**
 * What a client certificate proves, read once per certificate: the workload's SPIFFE ID and the RFC 8705 thumbprint
 * ({@code x5t#S256}) a certificate-bound token must match. A TLS connection hands every request on it the same
 * certificate object (its session holds it), so reading the SAN and hashing the DER for each request repeated the same
 * work: 0.62–0.75 µs per request on a kept-alive connection, against 0.06 µs remembered
 * (perf/results/request-path-2026-12-03.md).
 * <p>
 * Entries are keyed by identity and held weakly (Caffeine's {@code weakKeys}): an entry lives no longer than its
 * session's certificate, is never confused with an equal certificate of another session, and the count is bounded.
 * A certificate without a valid SVID identity is not remembered: it is refused again on each request, as before.
 */
final class PeerCertificates {

    /** The identity (parsed, and as the URI string identity headers and policy use) and thumbprint of one certificate. */
    record Peer(SpiffeId id, String uri, String x5t) {
        Peer(SpiffeId id, String x5t) {
            this(id, id.toString(), x5t);
        }
    }

    static final int MAX_ENTRIES = 16_384;

    private final Cache<X509Certificate, Peer> peers = Caffeine.newBuilder().weakKeys().maximumSize(MAX_ENTRIES)
            .executor(Runnable::run).build();

    /** The peer's identity; throws {@link IllegalArgumentException} when the certificate is not an X.509-SVID. */
    Peer of(X509Certificate certificate) {
        // A refusal thrown here propagates and is not cached.
        return peers.get(certificate, c -> new Peer(SvidIdentity.of(c), WorkloadAuthenticator.thumbprint(c)));
    }

    long size() {
        peers.cleanUp();
        return peers.estimatedSize();
    }
}
