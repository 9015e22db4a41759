package dev.tollgate.gateway.upstream;

import dev.tollgate.gateway.identity.SpiffeEndpointTrustManager;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.policy.SpiffeId;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import reactor.netty.http.client.HttpClient;

/**
 * Mutual TLS to upstreams (routes with {@code upstream: {spiffe-id: ...}}): the gateway presents its own X.509-SVID
 * ({@link UpstreamIdentity}) and accepts only an upstream whose certificate is a valid X.509-SVID of exactly the pinned
 * SPIFFE ID, checked against the bundle of that ID's trust domain as configured under {@code tollgate.trust-domains}
 * (bundle endpoints included). No host-name check: the SPIFFE ID identifies the upstream.
 * <p>
 * One TLS client per (route, pinned ID), made on first use and again after each rotation of the gateway's SVID.
 */
public final class UpstreamTls implements AutoCloseable {

    /** The exchange attribute through which a route's filter names the SPIFFE ID its upstream must present. */
    public static final String PEER = UpstreamTls.class.getName() + ".peer";

    private final UpstreamIdentity identity;
    private final Supplier<TrustDomains> trustDomains;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private AutoCloseable source = () -> { };

    /** @param identity the gateway's own SVID, or {@code null} when none is configured (routes may not pin then) */
    public UpstreamTls(UpstreamIdentity identity, Supplier<TrustDomains> trustDomains) {
        this.identity = identity;
        this.trustDomains = trustDomains;
        if (identity != null) {
            // A resumed TLS session skips the client certificate: after a rotation the upstream would go on seeing
            // the old SVID. Invalidating the cached sessions proved not enough (a TLS 1.3 ticket still resumed), so a
            // rotation drops the clients: the next request builds one with a new TLS context (no sessions) and, its
            // TLS configuration being new, a new connection pool, so no connection made with the old SVID is reused.
            identity.onRotation(clients::clear);
        }
    }

    /** Checked when a route is built: pinning an upstream needs an identity to present and a known trust domain. */
    public SpiffeId pin(String spiffeId) {
        SpiffeId id;
        try {
            id = SpiffeId.workload(spiffeId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Tollgate filter: upstream.spiffe-id must be a workload's SPIFFE ID: "
                    + e.getMessage());
        }
        if (identity == null) {
            throw new IllegalArgumentException("Tollgate filter: upstream.spiffe-id needs the gateway's own X.509-SVID"
                    + " (tollgate.upstream-tls: certificate and private-key, or workload-api)");
        }
        if (trustDomains.get().get(id.trustDomain()) == null) {
            throw new IllegalArgumentException("Tollgate filter: upstream.spiffe-id " + id + " is of trust domain "
                    + id.trustDomain() + ", which tollgate.trust-domains does not configure");
        }
        return id;
    }

    /** {@code base} secured for the pinned upstream of {@code route}: made on first use, then the same client. */
    public HttpClient client(String route, SpiffeId peer, Supplier<HttpClient> base) {
        return clients.computeIfAbsent(route + '\n' + peer, k -> secure(base.get(), peer));
    }

    private HttpClient secure(HttpClient base, SpiffeId peer) {
        SslContext context;
        try {
            context = SslContextBuilder.forClient()
                    .keyManager(new SimpleKeyManagerFactory() {
                        @Override
                        protected void engineInit(KeyStore keyStore, char[] password) {
                        }

                        @Override
                        protected void engineInit(ManagerFactoryParameters parameters) {
                        }

                        @Override
                        protected KeyManager[] engineGetKeyManagers() {
                            return new KeyManager[] {identity};
                        }
                    })
                    .trustManager(new SpiffeEndpointTrustManager(peer, trustDomains)).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client for upstream " + peer, e);
        }
        return base.secure(spec -> spec.sslContext(context).handlerConfigurator(handler -> {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null);
            engine.setSSLParameters(parameters);
        }));
    }

    /** {@code source} (the identity's reload timer or Workload API stream) stops with this. */
    public UpstreamTls closing(AutoCloseable source) {
        this.source = source;
        return this;
    }

    @Override
    public void close() throws Exception {
        source.close();
    }
}
