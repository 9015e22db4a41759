package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.demo.Certificates;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The X.509-SVID rules of the SPIFFE specification, one certificate (generated here) per rule. */
class X509SvidRulesTest {

    private final Certificates.Issued acmeCa = Certificates.selfSigned(Certificates.ca("acme CA").uri("spiffe://acme.test"));
    private final Certificates.Issued globexCa = Certificates.selfSigned(Certificates.ca("globex CA")
            .uri("spiffe://globex.test"));
    private final TrustDomains domains = new TrustDomains(Map.of(
            "acme.test", new TrustDomains.TrustDomain("acme.test", "acme", List.of(acmeCa.certificate())),
            "globex.test", new TrustDomains.TrustDomain("globex.test", "globex", List.of(globexCa.certificate()))));

    private String reason(Certificates.Issued leaf) {
        try {
            domains.verify(new X509Certificate[] {leaf.certificate()});
            return "accepted";
        } catch (SvidRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void aGoodSvidIsAccepted() {
        assertThat(domains.verify(new X509Certificate[] {Certificates.issue(acmeCa,
                Certificates.svid("spiffe://acme.test/ns/shop/sa/checkout")).certificate()}))
                .isEqualTo(SpiffeId.workload("spiffe://acme.test/ns/shop/sa/checkout"));
    }

    @Test
    void eachRuleRejectsItsCertificate() {
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test/a")
                .uri("spiffe://acme.test/b")))).isEqualTo("svid.spiffe-id");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.server("localhost")))).isEqualTo("svid.spiffe-id");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test"))))
                .as("issue 12: a root ID is no workload's identity").isEqualTo("svid.spiffe-id");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test/a").ca(true))))
                .isEqualTo("svid.leaf-is-ca");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test/a")
                .keyUsage(KeyUsage.keyEncipherment)))).isEqualTo("svid.key-usage");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test/a")
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)))).isEqualTo("svid.key-usage");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test/a")
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign)))).isEqualTo("svid.key-usage");
        assertThat(reason(acmeCa)).as("a signing certificate is never a leaf").isEqualTo("svid.leaf-is-ca");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://globex.test/ns/x/sa/y"))))
                .as("acme's CA cannot vouch for globex's workloads").isEqualTo("svid.chain");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://other.test/a"))))
                .isEqualTo("svid.trust-domain");
        assertThat(reason(Certificates.issue(acmeCa, Certificates.svid("spiffe://acme.test/a")
                .validity(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1))))))
                .as("expired").isEqualTo("svid.expired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"spiffe://Acme.test/a", "spiffe://acme.test:443/a", "spiffe://user@acme.test/a",
        "spiffe://acme.test/a?x=1", "spiffe://acme.test/a#f", "spiffe://acme.test//a", "spiffe://acme.test/./a",
        "spiffe://acme.test/../a", "spiffe://acme.test/a%2Fb", "https://acme.test/a", "spiffe:///a",
        "spiffe://acme.test/a/"})
    void invalidSpiffeIdsAreRejected(String id) {
        assertThatThrownBy(() -> SpiffeId.workload(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validSpiffeIdsParse() {
        assertThat(SpiffeId.parse("spiffe://acme.test").path()).as("the trust domain's own ID").isEmpty();
        assertThatThrownBy(() -> SpiffeId.workload("spiffe://acme.test")).as("is no workload's ID")
                .hasMessageContaining("must have a path");
        assertThat(SpiffeId.workload("spiffe://acme-1.test_x/ns/a.b/sa/c-d_e").trustDomain()).isEqualTo("acme-1.test_x");
    }
}
