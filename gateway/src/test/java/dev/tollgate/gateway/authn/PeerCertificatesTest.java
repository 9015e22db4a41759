package dev.tollgate.gateway.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.demo.Certificates;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** A client certificate is read once per certificate object, and what is remembered is bounded and exact. */
class PeerCertificatesTest {

    private static final String CHECKOUT = "spiffe://acme.test/ns/shop/sa/checkout";
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    private static final Certificates.Issued CA = Certificates.selfSigned(Certificates.ca("acme test CA"));

    @Test
    void theSameCertificateIsReadOnceAndAnswersWhatReadingItAnswers() {
        X509Certificate svid = Certificates.issue(CA, Certificates.svid(CHECKOUT)).certificate();
        PeerCertificates peers = new PeerCertificates();
        PeerCertificates.Peer first = peers.of(svid);
        assertThat(first.id().toString()).isEqualTo(CHECKOUT);
        assertThat(first.x5t()).isEqualTo(WorkloadAuthenticator.thumbprint(svid));
        assertThat(peers.of(svid)).as("remembered, not read again").isSameAs(first);
    }

    @Test
    void anEqualCertificateOfAnotherSessionIsItsOwnEntryWithTheSameAnswer() throws Exception {
        X509Certificate svid = Certificates.issue(CA, Certificates.svid(CHECKOUT)).certificate();
        X509Certificate again = decode(svid.getEncoded());
        PeerCertificates peers = new PeerCertificates();
        PeerCertificates.Peer a = peers.of(svid);
        PeerCertificates.Peer b = peers.of(again);
        assertThat(again).isNotSameAs(svid);
        assertThat(b).isNotSameAs(a).isEqualTo(a);
        assertThat(peers.size()).isEqualTo(2);
    }

    @Test
    void aCertificateThatIsNotAnSvidIsRefusedEveryTimeAndNeverRemembered() {
        X509Certificate twoSans = Certificates.issue(CA, Certificates.svid(CHECKOUT)
                .uri("spiffe://acme.test/ns/shop/sa/other")).certificate();
        X509Certificate trustDomainOnly = Certificates.issue(CA, Certificates.svid("spiffe://acme.test"))
                .certificate();
        PeerCertificates peers = new PeerCertificates();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> peers.of(twoSans)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exactly one URI SAN");
            assertThatThrownBy(() -> peers.of(trustDomainOnly)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(peers.size()).isZero();
    }

    @Test
    void manyConnectionsNeverHoldMoreThanTheBound() throws Exception {
        byte[] der = Certificates.issue(CA, Certificates.svid(CHECKOUT)).certificate().getEncoded();
        PeerCertificates peers = new PeerCertificates();
        for (int i = 0; i < PeerCertificates.MAX_ENTRIES + 2_000; i++) {
            peers.of(decode(der)); // a new object per "connection", as each handshake makes
        }
        assertThat(peers.size()).isLessThanOrEqualTo(PeerCertificates.MAX_ENTRIES);
    }

    /**
     * A new certificate object for the same DER, as each handshake makes. (BouncyCastle's factory: the JDK's returns
     * the object it cached for an encoding it has seen.)
     */
    private static X509Certificate decode(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509", BC)
                .generateCertificate(new ByteArrayInputStream(der));
    }
}
