package dev.tollgate.gateway.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM files read once, off the event loops, into what TLS needs: certificates, a PKCS#8 private key proven to belong to
 * its certificate, and key and trust manager factories (so a TLS context made per connection never reads a file).
 */
public final class PemFiles {

    private PemFiles() {
    }

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) {
        try (var in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificates from " + file + ": " + e.getMessage());
        }
    }

    /** A PKCS#8 PEM key of {@code certificate}'s algorithm, proven to be its key (one signature made and checked). */
    public static PrivateKey privateKey(Path file, X509Certificate certificate) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            String other = pem.contains("-----BEGIN EC PRIVATE KEY-----") ? " but an EC PRIVATE KEY (SEC 1)"
                    : pem.contains("-----BEGIN RSA PRIVATE KEY-----") ? " but an RSA PRIVATE KEY (PKCS#1)"
                    : pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? " but an encrypted one" : "";
            throw new IllegalArgumentException(file + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)"
                    + other + (other.isEmpty() ? "" : "; convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                    + file.getFileName() + " -out key-pkcs8.pem"));
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        String algorithm = certificate.getPublicKey().getAlgorithm();
        try {
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            String signing = switch (algorithm) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> algorithm;
            };
            Signature s = Signature.getInstance(signing);
            s.initSign(key);
            s.update(new byte[] {1});
            byte[] signature = s.sign();
            s.initVerify(certificate.getPublicKey());
            s.update(new byte[] {1});
            if (!s.verify(signature)) {
                throw new IllegalArgumentException(file + " is not the key of "
                        + certificate.getSubjectX500Principal());
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a usable " + algorithm + " key (" + e.getMessage() + ")");
        }
    }

    /** Trust in exactly the certificates of {@code caFile}. */
    public static TrustManagerFactory trust(Path caFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            List<X509Certificate> cas = certificates(caFile);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return f;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + caFile + " as trust anchors: " + e.getMessage());
        }
    }

    /** A certificate chain (leaf first) and the private key of its leaf. */
    public record CertifiedKey(PrivateKey key, X509Certificate[] chain) {
    }

    /**
     * The chain of {@code certificateFile} and the key of {@code keyFile}, proven to match. TLS listeners are given
     * these rather than the files: Netty, handed a key file, parses it with BouncyCastle first whenever BouncyCastle is
     * on the class path, and constructing BouncyCastle's provider to do so cost 1.2 s of every start.
     */
    public static CertifiedKey certifiedKey(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certificateFile);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificateFile + " holds no certificate");
        }
        return new CertifiedKey(privateKey(keyFile, chain.get(0)), chain.toArray(X509Certificate[]::new));
    }

    /** The key pair of {@code certificateFile} (chain) and {@code keyFile}. */
    public static KeyManagerFactory keys(Path certificateFile, Path keyFile) {
        CertifiedKey certified = certifiedKey(certificateFile, keyFile);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("key", certified.key(), none, certified.chain());
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, none);
            return f;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + certificateFile + " as a client key: " + e.getMessage());
        }
    }
}
