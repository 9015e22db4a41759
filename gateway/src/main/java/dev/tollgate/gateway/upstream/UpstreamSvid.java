package dev.tollgate.gateway.upstream;

import dev.tollgate.gateway.crypto.Sha256;
import dev.tollgate.gateway.identity.SvidIdentity;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * One X.509-SVID the gateway can present: the chain (leaf first, naming exactly one SPIFFE ID) and the leaf's private
 * key. Whoever builds it has proven the key is the leaf's (the PEM reader, or java-spiffe's parser).
 *
 * @param fingerprint the first 16 hex digits of the leaf's SHA-256: what the logs show, never the key
 */
record UpstreamSvid(X509Certificate[] chain, PrivateKey key, String fingerprint) {

    static UpstreamSvid of(List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an SVID with no certificate");
        }
        SvidIdentity.of(chain.get(0)); // an X.509-SVID: exactly one SPIFFE ID
        try {
            String fingerprint = HexFormat.of().formatHex(Sha256.digest(chain.get(0).getEncoded())).substring(0, 16);
            return new UpstreamSvid(chain.toArray(X509Certificate[]::new), key, fingerprint);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    String id() {
        return SvidIdentity.of(chain[0]).toString();
    }
}
