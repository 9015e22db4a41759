package dev.tollgate.gateway.identity;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * The TLS server's trust manager: a client certificate is accepted in the handshake only if it is a valid X.509-SVID
 * of a configured trust domain ({@link TrustDomains#verify}). Reads the current trust domains on every handshake, so
 * refreshed bundles apply to new connections without a restart.
 */
public final class SpiffeTrustManager extends SvidTrustManager {

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
}
