package dev.tollgate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.policy.SpiffeId;
import io.netty.handler.ssl.OpenSslCertificateException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, classes 3, 4 and 5: extended key usage is enforced when present; chains are built from the presented set
 * in any order (RFC 8446 §4.4.2) and still only to the claimed trust domain's bundle; every refusal names its real
 * reason and the TLS alert it becomes.
 */
class SvidChainsAndDiagnosticsTest {

    static final String ID = "spiffe://acme.test/ns/shop/sa/checkout";

    final Certificates.Issued root = Certificates.selfSigned(Certificates.ca("acme root"));
    final Certificates.Issued intermediate = Certificates.issue(root, Certificates.ca("acme intermediate"));
    final Certificates.Issued issuing = Certificates.issue(intermediate, Certificates.ca("acme issuing"));
    final Certificates.Issued leaf = Certificates.issue(issuing, Certificates.svid(ID));
    final Certificates.Issued globexRoot = Certificates.selfSigned(Certificates.ca("globex root"));
    final Certificates.Issued unrelated = Certificates.issue(globexRoot, Certificates.svid("spiffe://globex.test/x"));
    final TrustDomains domains = new TrustDomains(Map.of(
            "acme.test", new TrustDomains.TrustDomain("acme.test", "acme", List.of(root.certificate())),
            "globex.test", new TrustDomains.TrustDomain("globex.test", "globex", List.of(globexRoot.certificate()))));

    // --- class 3: extended key usage ---------------------------------------------------------------------------------

    @Test
    void anExtendedKeyUsageThatLeavesOutThePurposeIsRefusedAndAnAbsentOneIsAccepted() {
        List<List<KeyPurposeId>> refusedForClients = List.of(List.of(KeyPurposeId.id_kp_serverAuth),
                List.of(KeyPurposeId.id_kp_codeSigning), List.of(KeyPurposeId.id_kp_emailProtection),
                List.of(KeyPurposeId.id_kp_timeStamping), List.of(KeyPurposeId.id_kp_OCSPSigning),
                List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning));
        List<List<KeyPurposeId>> acceptedForClients = List.of(List.of(), List.of(KeyPurposeId.id_kp_clientAuth),
                List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth),
                List.of(KeyPurposeId.anyExtendedKeyUsage), List.of(KeyPurposeId.id_kp_codeSigning,
                        KeyPurposeId.id_kp_clientAuth));
        for (List<KeyPurposeId> eku : refusedForClients) {
            assertThat(reason(svidWith(eku), TrustDomains.Purpose.CLIENT)).as("%s", eku)
                    .isEqualTo("svid.extended-key-usage");
        }
        for (List<KeyPurposeId> eku : acceptedForClients) {
            assertThat(reason(svidWith(eku), TrustDomains.Purpose.CLIENT)).as("%s", eku).isEqualTo("accepted");
        }
        // The same rule on the other side: a bundle endpoint's server SVID must allow serverAuth when it says.
        assertThat(reason(svidWith(List.of(KeyPurposeId.id_kp_clientAuth)), TrustDomains.Purpose.SERVER))
                .isEqualTo("svid.extended-key-usage");
        assertThat(reason(svidWith(List.of(KeyPurposeId.id_kp_serverAuth)), TrustDomains.Purpose.SERVER))
                .isEqualTo("accepted");
        assertThat(rejection(svidWith(List.of(KeyPurposeId.id_kp_serverAuth)), TrustDomains.Purpose.CLIENT).failure())
                .isEqualTo(CertificateFailure.PURPOSE);
    }

    // --- class 4: chains as real peers send them ---------------------------------------------------------------------

    @Test
    void anyOrderDuplicatesAndUnrelatedExtrasAreToleratedWhenAPathExists() {
        Random random = new Random(4L);
        List<X509Certificate> extras = List.of(intermediate.certificate(), issuing.certificate(), root.certificate(),
                unrelated.certificate(), globexRoot.certificate(), issuing.certificate(), intermediate.certificate());
        int tried = 0;
        for (int i = 0; i < 200; i++) {
            List<X509Certificate> rest = new ArrayList<>(List.of(intermediate.certificate(), issuing.certificate()));
            int more = random.nextInt(5);
            for (int k = 0; k < more; k++) {
                rest.add(extras.get(random.nextInt(extras.size())));
            }
            Collections.shuffle(rest, random);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf.certificate());
            chain.addAll(rest);
            assertThat(domains.verify(chain.toArray(X509Certificate[]::new))).as("%s", subjects(chain))
                    .isEqualTo(SpiffeId.workload(ID));
            tried++;
        }
        assertThat(tried).isEqualTo(200);
    }

    @Test
    void aPathStillEndsOnlyAtTheClaimedTrustDomainsBundleAndWithinBounds() {
        // Missing intermediate: no path.
        assertThat(reason(leaf.certificate(), issuing.certificate())).isEqualTo("svid.chain");
        // globex's root cannot anchor an acme workload, even presented alongside.
        Certificates.Issued globexIssued = Certificates.issue(globexRoot, Certificates.svid(ID));
        assertThat(reason(globexIssued.certificate(), globexRoot.certificate())).isEqualTo("svid.chain");
        // The leaf must come first: the peer proved it holds the first certificate's key.
        assertThat(reason(issuing.certificate(), leaf.certificate(), intermediate.certificate()))
                .isEqualTo("svid.leaf-is-ca");
        // More than the bound presented: refused before any path is built.
        X509Certificate[] many = new X509Certificate[TrustDomains.MAX_PRESENTED + 1];
        many[0] = leaf.certificate();
        for (int i = 1; i < many.length; i++) {
            many[i] = i % 2 == 0 ? issuing.certificate() : intermediate.certificate();
        }
        assertThat(reason(many)).isEqualTo("svid.chain-too-long");
        // A CA's path length is kept: an intermediate allowing no CA below it. (A trust anchor's own constraints are
        // not processed, RFC 5280 6.1.1.)
        Certificates.Issued strictRoot = Certificates.selfSigned(Certificates.ca("strict root"));
        Certificates.Issued strictInt = Certificates.issue(strictRoot, Certificates.ca("strict int").pathLength(0));
        Certificates.Issued strictIssuing = Certificates.issue(strictInt, Certificates.ca("strict issuing"));
        Certificates.Issued strictLeaf = Certificates.issue(strictIssuing, Certificates.svid(ID));
        TrustDomains strict = new TrustDomains(Map.of("acme.test", new TrustDomains.TrustDomain("acme.test", "acme",
                List.of(strictRoot.certificate()))));
        SvidRejectedException e = catchRejection(() -> strict.verify(new X509Certificate[] {strictLeaf.certificate(),
            strictIssuing.certificate(), strictInt.certificate()}));
        assertThat(e.reason()).isEqualTo("svid.path-length");
        assertThat(e.failure()).isEqualTo(CertificateFailure.PATH_LENGTH);
    }

    // --- class 5: the real reason, and the alert it becomes ----------------------------------------------------------

    @Test
    void eachFailureNamesItsRealReasonAndAlert() {
        Instant now = Instant.now();
        Certificates.Issued expiredLeaf = Certificates.issue(issuing, Certificates.svid(ID)
                .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
        assertFailure(chain(expiredLeaf), "svid.expired", CertificateFailure.EXPIRED);
        Certificates.Issued futureLeaf = Certificates.issue(issuing, Certificates.svid(ID)
                .validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2))));
        assertFailure(chain(futureLeaf), "svid.not-yet-valid", CertificateFailure.NOT_YET_VALID);
        Certificates.Issued expiredIntermediate = Certificates.issue(root, Certificates.ca("acme intermediate")
                .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
        Certificates.Issued underExpired = Certificates.issue(expiredIntermediate, Certificates.svid(ID));
        assertFailure(new X509Certificate[] {underExpired.certificate(), expiredIntermediate.certificate()},
                "svid.expired", CertificateFailure.EXPIRED);
        // An impostor CA with the real issuing CA's name: the path takes the real one, whose key does not verify.
        Certificates.Issued impostor = Certificates.selfSigned(Certificates.ca("acme issuing"));
        Certificates.Issued forged = Certificates.issue(impostor, Certificates.svid(ID));
        assertFailure(new X509Certificate[] {forged.certificate(), issuing.certificate(), intermediate.certificate()},
                "svid.signature", CertificateFailure.BAD_SIGNATURE);
        Certificates.Issued constrained = Certificates.issue(intermediate, Certificates.ca("acme constrained")
                .permittedUriHost("other.test"));
        Certificates.Issued outside = Certificates.issue(constrained, Certificates.svid(ID));
        assertFailure(new X509Certificate[] {outside.certificate(), constrained.certificate(),
            intermediate.certificate()}, "svid.name-constraints", CertificateFailure.NAME_CONSTRAINTS);
        Certificates.Issued notCa = Certificates.issue(intermediate, Certificates.svid("spiffe://acme.test/signer")
                .subject("CN=not a ca"));
        Certificates.Issued underNotCa = Certificates.issue(notCa, Certificates.svid(ID));
        assertFailure(new X509Certificate[] {underNotCa.certificate(), notCa.certificate(), intermediate.certificate()},
                "svid.invalid-ca", CertificateFailure.INVALID_CA);
        assertFailure(new X509Certificate[] {Certificates.issue(globexRoot, Certificates.svid(ID)).certificate()},
                "svid.chain", CertificateFailure.UNKNOWN_CA);
        assertFailure(new X509Certificate[] {Certificates.issue(issuing, Certificates.svid("spiffe://acme.test"))
            .certificate()}, "svid.spiffe-id", CertificateFailure.NOT_AN_SVID);
    }

    @Test
    void theTrustManagerThrowsTheOpenSslErrorAndTheJdkReason() {
        SpiffeTrustManager tm = new SpiffeTrustManager(() -> domains);
        Certificates.Issued expired = Certificates.issue(issuing, Certificates.svid(ID)
                .validity(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1))));
        assertThatThrownBy(() -> tm.checkClientTrusted(chain(expired), "EC"))
                .isInstanceOfSatisfying(OpenSslCertificateException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(10);
                    assertThat(e.getCause()).isInstanceOfSatisfying(CertPathValidatorException.class,
                            c -> assertThat(c.getReason()).isEqualTo(CertPathValidatorException.BasicReason.EXPIRED));
                    assertThat(e.getMessage()).startsWith("svid.expired");
                });
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private X509Certificate svidWith(List<KeyPurposeId> eku) {
        return Certificates.issue(issuing, Certificates.svid(ID).extendedKeyUsage(eku.toArray(KeyPurposeId[]::new)))
                .certificate();
    }

    private X509Certificate[] chain(Certificates.Issued l) {
        return new X509Certificate[] {l.certificate(), issuing.certificate(), intermediate.certificate()};
    }

    private String reason(X509Certificate leafCert, TrustDomains.Purpose purpose) {
        try {
            domains.verify(new X509Certificate[] {leafCert, issuing.certificate(), intermediate.certificate()},
                    purpose);
            return "accepted";
        } catch (SvidRejectedException e) {
            return e.reason();
        }
    }

    private SvidRejectedException rejection(X509Certificate leafCert, TrustDomains.Purpose purpose) {
        return catchRejection(() -> domains.verify(new X509Certificate[] {leafCert, issuing.certificate(),
            intermediate.certificate()}, purpose));
    }

    private String reason(X509Certificate... chain) {
        try {
            domains.verify(chain);
            return "accepted";
        } catch (SvidRejectedException e) {
            return e.reason();
        }
    }

    private void assertFailure(X509Certificate[] chain, String reason, CertificateFailure failure) {
        SvidRejectedException e = catchRejection(() -> domains.verify(chain));
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.failure()).isEqualTo(failure);
        if (!reason.equals("svid.chain")) {
            assertThat(e.getMessage()).as("the real reason, not a generic one").doesNotContain("does not chain");
        }
    }

    private static SvidRejectedException catchRejection(Runnable call) {
        try {
            call.run();
        } catch (SvidRejectedException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    private static List<String> subjects(List<X509Certificate> chain) {
        return chain.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }
}
