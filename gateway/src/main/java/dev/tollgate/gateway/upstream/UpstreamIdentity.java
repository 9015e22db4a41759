package dev.tollgate.gateway.upstream;

import java.net.Socket;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own X.509-SVID for calls to upstreams, as a key manager: handshakes read the current SVID and never
 * wait for its source. A source ({@link SvidFiles}, {@link WorkloadApiSvids}) {@linkplain #present presents} each new
 * SVID; a rotated one is presented on the next new connection, without a restart.
 */
public final class UpstreamIdentity extends X509ExtendedKeyManager {

    private static final Logger log = LoggerFactory.getLogger(UpstreamIdentity.class);
    private static final String ALIAS = "svid";

    private volatile UpstreamSvid current;
    private final List<Runnable> onRotation = new CopyOnWriteArrayList<>();

    UpstreamIdentity(UpstreamSvid first, String source) {
        this.current = first;
        log.info("upstream identity {} loaded from {} (certificate sha-256 {})", first.id(), source,
                first.fingerprint());
    }

    /** The SPIFFE ID the gateway presents to upstreams. */
    public String id() {
        return current.id();
    }

    /** Runs {@code listener} after each rotation (on the source's thread). */
    public void onRotation(Runnable listener) {
        onRotation.add(listener);
    }

    /** Swaps to {@code next} when it is a different certificate; then tells the listeners. */
    void present(UpstreamSvid next) {
        if (next.fingerprint().equals(current.fingerprint())) {
            return;
        }
        current = next;
        log.info("upstream identity {} rotated (certificate sha-256 {})", next.id(), next.fingerprint());
        onRotation.forEach(Runnable::run);
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
