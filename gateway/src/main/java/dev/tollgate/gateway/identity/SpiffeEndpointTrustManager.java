package dev.tollgate.gateway.identity;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A TLS client's trust manager for one SPIFFE-authenticated server: the server's chain must be a valid X.509-SVID
 * ({@link TrustDomains#verify}) of exactly the expected SPIFFE ID. Reads the trust domains on every handshake, so a
 * bundle fetched from the endpoint authenticates the endpoint from then on.
 */
final class SpiffeEndpointTrustManager extends X509ExtendedTrustManager {

    private final SpiffeId expected;
    private final Supplier<TrustDomains> trustDomains;

    SpiffeEndpointTrustManager(SpiffeId expected, Supplier<TrustDomains> trustDomains) {
        this.expected = expected;
        this.trustDomains = trustDomains;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        SpiffeId presented;
        try {
            presented = trustDomains.get().verify(chain);
        } catch (SvidRejectedException e) {
            throw e.asCertificateException();
        }
        if (!expected.equals(presented)) {
            throw new CertificateException("bundle endpoint presented " + presented + ", expected " + expected);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
