package dev.tollgate.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.config.TollgateProperties;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.tls.TlsServerCustomizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;

/**
 * The TLS listeners (gateway and admin) are given a key read here, not a file for Netty to parse (Netty would construct
 * BouncyCastle's provider on every start to do it). What Netty's reader took and this one does not — SEC 1 and PKCS#1
 * keys — is refused at start with the command that converts it, never half-accepted.
 */
class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void aPkcs8KeyAndItsChainAreReadLeafFirst() {
        Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("test CA"));
        Certificates.Issued server = Certificates.issue(ca, Certificates.server("localhost"));
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        server.writePem(chain, key);
        Certificates.writePem(dir.resolve("ca.pem"), ca.certificate());
        appendFile(chain, dir.resolve("ca.pem"));

        PemFiles.CertifiedKey read = PemFiles.certifiedKey(chain, key);

        assertThat(read.chain()).containsExactly(server.certificate(), ca.certificate());
        assertThat(read.key().getEncoded()).isEqualTo(server.key().getEncoded());
    }

    @Test
    void keysInOtherEncodingsAreRefusedWithTheConversion() throws Exception {
        Certificates.Issued server = Certificates.selfSigned(Certificates.server("localhost"));
        Path certificate = dir.resolve("server.pem");
        Certificates.writePem(certificate, server.certificate());

        Path sec1 = dir.resolve("sec1.pem");
        Certificates.writePem(sec1, server.keyPair()); // BouncyCastle writes a key pair as OpenSSL's traditional form
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThatThrownBy(() -> PemFiles.certifiedKey(certificate, sec1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EC PRIVATE KEY (SEC 1)")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in sec1.pem");

        Path pkcs1 = dir.resolve("pkcs1.pem");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Certificates.writePem(pkcs1, rsa.generateKeyPair());
        assertThatThrownBy(() -> PemFiles.certifiedKey(certificate, pkcs1))
                .hasMessageContaining("RSA PRIVATE KEY (PKCS#1)").hasMessageContaining("openssl pkcs8");

        Path encrypted = dir.resolve("encrypted.pem");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + "MIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.certifiedKey(certificate, encrypted))
                .hasMessageContaining("an encrypted one");

        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> PemFiles.certifiedKey(certificate, empty))
                .hasMessageContaining("holds no unencrypted PKCS#8 private key").hasMessageNotContaining("openssl");
    }

    @Test
    void theKeyOfAnotherCertificateAndAKeyForACertificateAreRefused() {
        Certificates.Issued server = Certificates.selfSigned(Certificates.server("localhost"));
        Certificates.Issued other = Certificates.selfSigned(Certificates.server("localhost"));
        Path certificate = dir.resolve("server.pem");
        Path key = dir.resolve("other-key.pem");
        server.writePem(certificate, dir.resolve("server-key.pem"));
        other.writePem(dir.resolve("other.pem"), key);

        assertThatThrownBy(() -> PemFiles.certifiedKey(certificate, key)).hasMessageContaining("is not the key of");
        assertThatThrownBy(() -> PemFiles.certifiedKey(dir.resolve("server-key.pem"), key))
                .hasMessageContaining("cannot read certificates from");
    }

    @Test
    void theListenerRefusesToStartOnAKeyItCannotRead() {
        Certificates.Issued server = Certificates.selfSigned(Certificates.server("localhost"));
        Path certificate = dir.resolve("server.pem");
        Path sec1 = dir.resolve("server-key.pem");
        Certificates.writePem(certificate, server.certificate());
        Certificates.writePem(sec1, server.keyPair());
        TollgateProperties.Tls tls = new TollgateProperties.Tls(certificate, sec1, null, null);

        assertThatThrownBy(() -> new TlsServerCustomizer(tls, null).customize(new NettyReactiveWebServerFactory()))
                .hasMessageContaining("EC PRIVATE KEY (SEC 1)");
    }

    private static void appendFile(Path to, Path from) {
        try {
            Files.writeString(to, Files.readString(to) + Files.readString(from));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
