package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.config.TollgateProperties;
import dev.tollgate.gateway.demo.Certificates;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * The https_spiffe bundle endpoint profile, over real TLS: the endpoint is authenticated by its X.509-SVID against the
 * trust domain's bootstrap bundle (then against each bundle it served), never by the Web PKI.
 */
class BundleEndpointProfileTest {

    static final String ENDPOINT_ID = "spiffe://umbrella.test/spire/server";

    final Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("umbrella CA").uri("spiffe://umbrella.test"));
    final Certificates.Issued ca2 = Certificates.selfSigned(Certificates.ca("umbrella CA 2")
            .uri("spiffe://umbrella.test"));
    final String served = SpiffeBundleTest.bundle(List.of(ca.certificate(), ca2.certificate()), null, 3, null);

    /** An HTTPS bundle endpoint on loopback presenting {@code certificate}. */
    DisposableServer endpoint(Certificates.Issued certificate, int port) throws Exception {
        var tls = SslContextBuilder.forServer(certificate.key(), certificate.certificate()).build();
        return HttpServer.create().host("127.0.0.1").port(port).secure(spec -> spec.sslContext(tls))
                .route(r -> r.get("/bundle", (req, res) -> res.sendString(Mono.just(served))))
                .bindNow();
    }

    /** The umbrella.test trust domain as Tollgate wires it: bootstrap bundle {ca}, https_spiffe endpoint. */
    record Wired(TrustBundles bundles, BundleEndpoint endpoint) {
    }

    Wired wire(DisposableServer server, String expectedId) {
        TrustBundles bundles = new TrustBundles();
        HttpClient client = BundleEndpointProfile.HTTPS_SPIFFE.client(HttpClient.create(),
                SpiffeId.workload(expectedId), bundles);
        BundleEndpoint endpoint = new BundleEndpoint("umbrella.test",
                URI.create("https://127.0.0.1:" + server.port() + "/bundle"), SpiffeBundle.ofX509(List.of(
                ca.certificate())), SpiffeBundleTest.DEPENDENCIES.dependency("bundle:umbrella.test"), client,
                Duration.ofMinutes(5), Clock.systemUTC(), bundles::rebuild);
        bundles.add("umbrella.test", "umbrella", endpoint);
        bundles.rebuild();
        return new Wired(bundles, endpoint);
    }

    X509Certificate[] workloadOfCa2() {
        return new X509Certificate[] {Certificates.issue(ca2, Certificates.svid("spiffe://umbrella.test/ns/a/sa/b"))
                .certificate()};
    }

    @Test
    void anEndpointPresentingItsSvidServesTheBundleThatThenAuthenticatesItsNextFetch() throws Exception {
        DisposableServer server = endpoint(Certificates.issue(ca, Certificates.svid(ENDPOINT_ID)), 0);
        int port = server.port();
        Wired w = wire(server, ENDPOINT_ID);
        try {
            assertThatThrownBy(() -> w.bundles().get().verify(workloadOfCa2())).isInstanceOf(
                    SvidRejectedException.class);
            w.endpoint().refresh().block(Duration.ofSeconds(10));
            assertThat(w.endpoint().current().sequence()).isEqualTo(3);
            assertThat(w.bundles().get().verify(workloadOfCa2()).toString())
                    .isEqualTo("spiffe://umbrella.test/ns/a/sa/b");

            // The endpoint rotates to an SVID of CA 2, which only the fetched bundle announced: still trusted.
            server.disposeNow();
            server = endpoint(Certificates.issue(ca2, Certificates.svid(ENDPOINT_ID)), port);
            w.endpoint().refresh().block(Duration.ofSeconds(10));
            assertThat(w.endpoint().current().sequence()).isEqualTo(3);
        } finally {
            w.endpoint().close();
            server.disposeNow();
        }
        // A fresh start from the bootstrap bundle alone does not know CA 2.
        DisposableServer rotated = endpoint(Certificates.issue(ca2, Certificates.svid(ENDPOINT_ID)), 0);
        Wired fresh = wire(rotated, ENDPOINT_ID);
        try {
            assertThatThrownBy(() -> fresh.endpoint().refresh().block(Duration.ofSeconds(10)))
                    .isInstanceOf(RuntimeException.class);
        } finally {
            fresh.endpoint().close();
            rotated.disposeNow();
        }
    }

    @Test
    void anotherSpiffeIdAnotherCaOrAWebCertificateIsRefusedAndTheBootstrapBundleStays() throws Exception {
        Certificates.Issued foreignCa = Certificates.selfSigned(Certificates.ca("mallory CA")
                .uri("spiffe://umbrella.test"));
        for (Certificates.Issued presented : List.of(
                Certificates.issue(ca, Certificates.svid("spiffe://umbrella.test/ns/web/sa/frontend")),
                Certificates.issue(foreignCa, Certificates.svid(ENDPOINT_ID)),
                Certificates.issue(ca, Certificates.server("127.0.0.1")))) {
            DisposableServer server = endpoint(presented, 0);
            Wired w = wire(server, ENDPOINT_ID);
            try {
                assertThatThrownBy(() -> w.endpoint().refresh().block(Duration.ofSeconds(10)))
                        .isInstanceOf(RuntimeException.class);
                assertThat(w.endpoint().current().x509Authorities()).containsExactly(ca.certificate());
            } finally {
                w.endpoint().close();
                server.disposeNow();
            }
        }
    }

    @Test
    void theProfileIsConfiguredWithItsEndpointIdAndABootstrapBundle() {
        URI https = URI.create("https://bundle.umbrella.test/");
        assertThat(new TollgateProperties.TrustDomainSettings("umbrella.test", "umbrella", Path.of("b.pem"), https,
                "https_spiffe", ENDPOINT_ID, null).endpointSpiffeId()).isEqualTo(ENDPOINT_ID);
        assertThatThrownBy(() -> new TollgateProperties.TrustDomainSettings("umbrella.test", "umbrella", null, https,
                "https_spiffe", ENDPOINT_ID, null)).hasMessageContaining("needs a bundle-file");
        assertThatThrownBy(() -> new TollgateProperties.TrustDomainSettings("umbrella.test", "umbrella",
                Path.of("b.pem"), https, "https_spiffe", null, null)).hasMessageContaining("endpoint-spiffe-id");
        assertThatThrownBy(() -> new TollgateProperties.TrustDomainSettings("umbrella.test", "umbrella", null, https,
                null, ENDPOINT_ID, null)).hasMessageContaining("is for bundle-endpoint-profile https_spiffe");
        assertThatThrownBy(() -> new TollgateProperties.TrustDomainSettings("umbrella.test", "umbrella", null, https,
                "https_sometimes", null, null)).hasMessageContaining("https_web or https_spiffe");
    }
}
