package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * A TLS client's trust manager for one SPIFFE-authenticated server (a bundle endpoint, an upstream): the server's chain must be a valid X.509-SVID
 * ({@link TrustDomains#verify}) of exactly the expected SPIFFE ID. Reads the trust domains on every handshake, so a
 * bundle fetched from the endpoint authenticates the endpoint from then on.
 */
public final class SpiffeEndpointTrustManager extends SvidTrustManager {

    private final SpiffeId expected;
    private final Supplier<TrustDomains> trustDomains;

    public SpiffeEndpointTrustManager(SpiffeId expected, Supplier<TrustDomains> trustDomains) {
        this.expected = expected;
        this.trustDomains = trustDomains;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        SpiffeId presented;
        try {
            presented = trustDomains.get().verify(chain, TrustDomains.Purpose.SERVER);
        } catch (SvidRejectedException e) {
            throw e.asCertificateException();
        }
        if (!expected.equals(presented)) {
            throw new CertificateException("the server presented " + presented + ", expected " + expected);
        }
    }
}
