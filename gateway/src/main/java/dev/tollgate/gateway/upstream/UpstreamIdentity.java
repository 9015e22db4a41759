package dev.tollgate.gateway.upstream;

import dev.tollgate.gateway.crypto.PemFiles;
import dev.tollgate.gateway.crypto.Sha256;
import dev.tollgate.gateway.identity.SvidIdentity;
import dev.tollgate.gateway.identity.TrustDomains;
import java.net.Socket;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own X.509-SVID for calls to upstreams, from PEM files (written by a SPIFFE agent's helper, cert-manager
 * or an operator), re-read by {@link #reload} on a timer: a rotated SVID is presented on the next new connection,
 * without a restart. A change that does not load (half-written files, a key that does not match) is refused and the
 * current SVID stays. Handshakes only read the current pair; they never touch the files.
 */
public final class UpstreamIdentity extends X509ExtendedKeyManager {

    private static final Logger log = LoggerFactory.getLogger(UpstreamIdentity.class);
    private static final String ALIAS = "svid";

    private record Svid(X509Certificate[] chain, PrivateKey key, String fingerprint) {
    }

    private final Path certificate;
    private final Path privateKey;
    private volatile Svid current;
    /** The files' modification times and sizes when last read: unchanged files are not parsed again. */
    private volatile String stamp;
    private final java.util.List<Runnable> onRotation = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Loads the pair now: a gateway configured with an identity it cannot read does not start. */
    public UpstreamIdentity(Path certificate, Path privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.stamp = stamp();
        this.current = load();
        log.info("upstream identity {} loaded (certificate sha-256 {})", id(), current.fingerprint());
    }

    /** The SPIFFE ID the gateway presents to upstreams. */
    public String id() {
        return SvidIdentity.of(current.chain()[0]).toString();
    }

    /** Runs {@code listener} after each rotation (on the reloading thread). */
    public void onRotation(Runnable listener) {
        onRotation.add(listener);
    }

    /** Re-reads the files; swaps when they hold a different, valid pair. Blocking: call it off the event loops. */
    public void reload() {
        try {
            String now = stamp();
            if (now.equals(stamp)) {
                return; // every reload-interval: a stat of two files, not a parse and a signature
            }
            Svid next = load();
            stamp = now;
            if (!next.fingerprint().equals(current.fingerprint())) {
                current = next;
                log.info("upstream identity {} rotated (certificate sha-256 {})", id(), next.fingerprint());
                onRotation.forEach(Runnable::run);
            }
        } catch (RuntimeException e) {
            log.warn("upstream identity files not loaded, keeping the current SVID: {}", e.getMessage());
        }
    }

    private String stamp() {
        try {
            return java.nio.file.Files.getLastModifiedTime(certificate) + "/" + java.nio.file.Files.size(certificate)
                    + "|" + java.nio.file.Files.getLastModifiedTime(privateKey) + "/"
                    + java.nio.file.Files.size(privateKey);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + certificate + " or " + privateKey + ": "
                    + e.getMessage());
        }
    }

    private Svid load() {
        List<X509Certificate> chain = TrustDomains.readPem(certificate);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificate + " holds no certificate");
        }
        SvidIdentity.of(chain.get(0)); // an X.509-SVID: exactly one SPIFFE ID
        PrivateKey key = PemFiles.privateKey(privateKey, chain.get(0));
        return new Svid(chain.toArray(X509Certificate[]::new), key, fingerprint(chain.get(0)));
    }

    private static String fingerprint(X509Certificate c) {
        try {
            return java.util.HexFormat.of().formatHex(Sha256.digest(c.getEncoded())).substring(0, 16);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current.chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current.key() : null;
    }
}
