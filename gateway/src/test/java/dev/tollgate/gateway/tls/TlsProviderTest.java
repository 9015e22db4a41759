package dev.tollgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.config.TollgateProperties;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** {@code tls.provider: auto} terminates TLS on BoringSSL (netty-tcnative) where it loads, else on the JDK. */
class TlsProviderTest {

    static TlsServerCustomizer with(String provider) {
        return new TlsServerCustomizer(new TollgateProperties.Tls(null, null, null, provider), null);
    }

    @Test
    void autoPicksBoringSslWhereItLoads() {
        if (System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"))) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative-boringssl-static ships this platform").isTrue();
        }
        assertThat(with("auto").provider()).isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
        assertThat(with("jdk").provider()).isEqualTo(SslProvider.JDK);
        assertThatThrownBy(() -> with("gnutls").provider()).hasMessageContaining("auto, openssl or jdk");
    }
}
