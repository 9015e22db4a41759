package dev.tollgate.gateway.identity;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS server's trust manager: a client certificate is accepted in the handshake only if it is a valid X.509-SVID
 * of a configured trust domain ({@link TrustDomains#verify}). Reads the current trust domains on every handshake, so
 * refreshed bundles apply to new connections without a restart.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SpiffeTrustManager.class);

    private final Supplier<TrustDomains> trustDomains;

    public SpiffeTrustManager(Supplier<TrustDomains> trustDomains) {
        this.trustDomains = trustDomains;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            trustDomains.get().verify(chain);
        } catch (SvidRejectedException e) {
            log.info("client certificate refused in handshake: {} ({})", e.reason(), e.getMessage());
            throw e.asCertificateException();
        } catch (RuntimeException e) {
            log.warn("client certificate check failed", e);
            throw new CertificateException("svid.error");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("server-side trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // No CA list in the CertificateRequest: OpenSSL fixes that list when the TLS context is built, but bundles
        // rotate (bundle endpoints); workloads present their one SVID whatever the list says, and every chain is
        // checked against its claimed trust domain's current bundle in checkClientTrusted.
        return new X509Certificate[0];
    }
}
