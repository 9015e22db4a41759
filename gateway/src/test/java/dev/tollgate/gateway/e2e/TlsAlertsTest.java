package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import io.netty.handler.ssl.OpenSsl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, classes 4 and 5, over a real handshake with the shared gateway (BoringSSL where it loads, as in
 * production): a refused client certificate gets the alert that says why, not {@code internal_error}; a chain sent
 * out of order with an unrelated extra certificate is accepted. The client is the JDK's, so the alert it reports is
 * the one on the wire.
 */
class TlsAlertsTest extends GatewayTestBase {

    @Test
    void eachRefusedClientCertificateGetsTheAlertThatSaysWhy() throws Exception {
        Instant now = Instant.now();
        Certificates.Issued expired = Certificates.issue(fixture.acmeCa, Certificates.svid(GatewayFixture.CHECKOUT)
                .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
        Certificates.Issued stranger = Certificates.issue(Certificates.selfSigned(Certificates.ca("stranger")),
                Certificates.svid(GatewayFixture.CHECKOUT));
        Certificates.Issued serverOnly = Certificates.issue(fixture.acmeCa, Certificates.svid(GatewayFixture.CHECKOUT)
                .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        Certificates.Issued rootId = Certificates.issue(fixture.acmeCa, Certificates.svid("spiffe://acme.test"));
        String expected = OpenSsl.isAvailable() ? null : "certificate_unknown"; // the JDK server sends only this
        assertThat(outcome(expired, expired.certificate())).contains(alert("certificate_expired", expected));
        assertThat(outcome(stranger, stranger.certificate())).contains(alert("unknown_ca", expected));
        assertThat(outcome(serverOnly, serverOnly.certificate())).contains(alert("unsupported_certificate", expected));
        assertThat(outcome(rootId, rootId.certificate())).contains(alert("bad_certificate", expected));
    }

    @Test
    void aChainOutOfOrderWithAnUnrelatedExtraCertificateIsAccepted() throws Exception {
        Certificates.Issued intermediate = Certificates.issue(fixture.acmeCa, Certificates.ca("acme intermediate"));
        Certificates.Issued issuing = Certificates.issue(intermediate, Certificates.ca("acme issuing"));
        Certificates.Issued leaf = Certificates.issue(issuing, Certificates.svid(GatewayFixture.CHECKOUT));
        String outcome = outcome(leaf, leaf.certificate(), intermediate.certificate(), fixture.globexCa.certificate(),
                issuing.certificate(), intermediate.certificate());
        assertThat(outcome).startsWith("HTTP/1.1 200");
    }

    private static String alert(String openssl, String jdk) {
        return "Received fatal alert: " + (jdk == null ? openssl : jdk);
    }

    /** The status line of one request, or the TLS failure the client saw. */
    private String outcome(Certificates.Issued client, X509Certificate... chain) throws Exception {
        // Presents the chain exactly as given (a KeyStore would refuse one out of order).
        X509ExtendedKeyManager asGiven = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "client";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return chain;
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return client.key();
            }
        };
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server-ca", fixture.serverCa.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {asGiven}, tmf.getTrustManagers(), null);
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/acme/orders/42 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return line == null ? "closed" : line;
        } catch (SSLException e) {
            return e.getMessage();
        }
    }
}
