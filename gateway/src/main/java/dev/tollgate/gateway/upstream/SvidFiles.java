package dev.tollgate.gateway.upstream;

import dev.tollgate.gateway.crypto.PemFiles;
import dev.tollgate.gateway.identity.TrustDomains;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream SVID from PEM files, as a SPIFFE agent's helper (spiffe-helper), cert-manager or an operator writes
 * them, re-read by {@link #reload} on a timer. A change that does not load (half-written files, a key that is not the
 * certificate's) is refused and the identity keeps its current SVID.
 */
public final class SvidFiles {

    private static final Logger log = LoggerFactory.getLogger(SvidFiles.class);

    private final Path certificate;
    private final Path privateKey;
    private final UpstreamIdentity identity;
    /** The files' modification times and sizes when last read: unchanged files are not parsed again. */
    private volatile String stamp;

    /** Loads the pair now: a gateway configured with an identity it cannot read does not start. */
    public SvidFiles(Path certificate, Path privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.stamp = stamp();
        this.identity = new UpstreamIdentity(load(), "files " + certificate);
    }

    public UpstreamIdentity identity() {
        return identity;
    }

    /** Re-reads the files when they changed. Blocking: call it off the event loops. */
    public void reload() {
        try {
            String now = stamp();
            if (now.equals(stamp)) {
                return; // every reload-interval: a stat of two files, not a parse and a signature
            }
            UpstreamSvid next = load();
            stamp = now;
            identity.present(next);
        } catch (RuntimeException e) {
            log.warn("upstream identity files not loaded, keeping the current SVID: {}", e.getMessage());
        }
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(certificate) + "/" + Files.size(certificate) + "|"
                    + Files.getLastModifiedTime(privateKey) + "/" + Files.size(privateKey);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + certificate + " or " + privateKey + ": "
                    + e.getMessage());
        }
    }

    private UpstreamSvid load() {
        List<X509Certificate> chain = TrustDomains.readPem(certificate);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificate + " holds no certificate");
        }
        return UpstreamSvid.of(chain, PemFiles.privateKey(privateKey, chain.get(0)));
    }
}
