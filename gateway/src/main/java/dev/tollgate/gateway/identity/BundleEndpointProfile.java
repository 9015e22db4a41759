package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import reactor.netty.http.client.HttpClient;

/**
 * How a SPIFFE bundle endpoint is authenticated (SPIFFE Trust Domain and Bundle, section 5.2):
 * <ul>
 *   <li>{@code https_web}: an ordinary web server certificate, checked against the JDK's trust store and host name;</li>
 *   <li>{@code https_spiffe}: the endpoint presents an X.509-SVID with the configured {@code endpoint-spiffe-id},
 *       chained to the current bundle of that ID's trust domain — for the trust domain's own endpoint, the bundle
 *       bootstrapped from {@code bundle-file} and then each bundle it fetched. No Web PKI is involved.</li>
 * </ul>
 */
public enum BundleEndpointProfile {
    HTTPS_WEB,
    HTTPS_SPIFFE;

    public static BundleEndpointProfile parse(String value) {
        if (value == null || value.isBlank()) {
            return HTTPS_WEB;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "https_web" -> HTTPS_WEB;
            case "https_spiffe" -> HTTPS_SPIFFE;
            default -> throw new IllegalArgumentException("bundle-endpoint-profile must be https_web or https_spiffe");
        };
    }

    /** The client that fetches the bundle: {@code base} as is for https_web; SVID-authenticated for https_spiffe. */
    public HttpClient client(HttpClient base, SpiffeId endpointId, Supplier<TrustDomains> trustDomains) {
        if (this == HTTPS_WEB) {
            return base;
        }
        SslContext context;
        try {
            context = SslContextBuilder.forClient()
                    .trustManager(new SpiffeEndpointTrustManager(endpointId, trustDomains)).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client for bundle endpoint " + endpointId, e);
        }
        // The SPIFFE ID authenticates the server, not its host name.
        return base.secure(spec -> spec.sslContext(context).handlerConfigurator(handler -> {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null);
            engine.setSSLParameters(parameters);
        }));
    }
}
