package dev.tollgate.gateway.tls;

import dev.tollgate.gateway.config.TollgateProperties;
import dev.tollgate.gateway.crypto.PemFiles;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import reactor.netty.http.Http11SslContextSpec;

/**
 * Terminates TLS on the gateway's listener with client certificates checked as SPIFFE X.509-SVIDs by the given trust
 * manager (not "any CA in a truststore"). OpenSSL/BoringSSL (netty-tcnative) is used when present: the handshake and
 * record crypto are markedly cheaper than the JDK's.
 */
public class TlsServerCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    private static final Logger log = LoggerFactory.getLogger(TlsServerCustomizer.class);

    private final TollgateProperties.Tls tls;
    private final X509ExtendedTrustManager trustManager;

    public TlsServerCustomizer(TollgateProperties.Tls tls, X509ExtendedTrustManager trustManager) {
        this.tls = tls;
        this.trustManager = trustManager;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        if (tls.certificate() == null || tls.privateKey() == null) {
            throw new IllegalStateException("tollgate.tls.certificate and tollgate.tls.private-key are required");
        }
        SslProvider provider = provider();
        ClientAuth clientAuth = tls.clientAuth() == TollgateProperties.ClientAuth.NEED
                ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL;
        PemFiles.CertifiedKey key = PemFiles.certifiedKey(tls.certificate(), tls.privateKey());
        log.info("TLS listener: provider {}, client certificates {}", provider, tls.clientAuth());
        factory.addServerCustomizers(server -> server.secure(spec -> spec.sslContext(
                Http11SslContextSpec.forServer(key.key(), key.chain())
                        .configure(b -> b.sslProvider(provider).trustManager(trustManager).clientAuth(clientAuth)))));
    }

    SslProvider provider() {
        return switch (tls.provider().toLowerCase(Locale.ROOT)) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> SslProvider.OPENSSL;
            case "auto" -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            default -> throw new IllegalStateException("tollgate.tls.provider must be auto, openssl or jdk");
        };
    }
}
