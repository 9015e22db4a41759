package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.demo.Certificates;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** The SPIFFE bundle format and a bundle endpoint: authorities, sequence, refresh hint, last good kept. */
class SpiffeBundleTest {

    static final WireMockServer endpoint = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());

    static {
        endpoint.start();
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    /** A generous time limit: the first fetch of a cold JVM on a loaded 2-core machine can take a second. */
    static final DependencyRegistry DEPENDENCIES = new DependencyRegistry(Map.of(), Map.of("bundle:acme.test",
            new dev.tollgate.fallback.DependencySettings(null, Duration.ofSeconds(5), null, null, null, null, null,
                    null, null)), dev.tollgate.fallback.DependencyListener.NONE);

    final Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("acme CA").uri("spiffe://acme.test"));
    final Certificates.Issued ca2 = Certificates.selfSigned(Certificates.ca("acme CA 2").uri("spiffe://acme.test"));
    final ECKey jwtKey = generate("jwt-1");

    static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A SPIFFE bundle document with these X.509 authorities, the JWT key, sequence and hint. */
    public static String bundle(List<X509Certificate> cas, ECKey jwt, long sequence, Long hint) {
        StringBuilder keys = new StringBuilder();
        try {
            for (X509Certificate ca : cas) {
                JWK x509 = new ECKey.Builder(ECKey.parse(ca)).keyUse(new KeyUse("x509-svid")).build();
                keys.append(keys.isEmpty() ? "" : ",").append(x509.toJSONString());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (jwt != null) {
            keys.append(keys.isEmpty() ? "" : ",").append(new ECKey.Builder(jwt.toPublicJWK())
                    .keyUse(new KeyUse("jwt-svid")).build().toJSONString());
        }
        return "{\"keys\":[" + keys + "],\"spiffe_sequence\":" + sequence
                + (hint == null ? "" : ",\"spiffe_refresh_hint\":" + hint) + "}";
    }

    @Test
    void parsesX509AndJwtAuthoritiesSequenceAndHint() {
        SpiffeBundle b = SpiffeBundle.parse(bundle(List.of(ca.certificate()), jwtKey, 7, 300L));
        assertThat(b.x509Authorities()).containsExactly(ca.certificate());
        assertThat(((ECKey) b.jwtAuthorities().getKeyByKeyId("jwt-1")).getX()).isEqualTo(jwtKey.getX());
        assertThat(b.sequence()).isEqualTo(7);
        assertThat(b.refreshHint()).isEqualTo(Duration.ofMinutes(5));
        assertThat(SpiffeBundle.parse("{\"keys\":[" + new ECKey.Builder(jwtKey.toPublicJWK())
                .keyUse(new KeyUse("jwt-svid")).build().toJSONString() + ",{\"kty\":\"oct\",\"k\":\"AAAA\","
                + "\"use\":\"something-else\"}]}").x509Authorities()).as("other uses are ignored").isEmpty();
    }

    @Test
    void malformedBundlesAreRefused() {
        assertThatThrownBy(() -> SpiffeBundle.parse("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpiffeBundle.parse("{\"keys\":[]}")).hasMessageContaining("no x509-svid");
        String noKid = new ECKey.Builder(jwtKey.toPublicJWK()).keyID(null).keyUse(new KeyUse("jwt-svid")).build()
                .toJSONString();
        assertThatThrownBy(() -> SpiffeBundle.parse("{\"keys\":[" + noKid + "]}")).hasMessageContaining("kid");
        String noX5c = new ECKey.Builder(jwtKey.toPublicJWK()).keyUse(new KeyUse("x509-svid")).build().toJSONString();
        assertThatThrownBy(() -> SpiffeBundle.parse("{\"keys\":[" + noX5c + "]}")).hasMessageContaining("x5c");
        assertThatThrownBy(() -> SpiffeBundle.parse(bundle(List.of(ca.certificate()), null, -1, null)))
                .hasMessageContaining("non-negative");
    }

    @Test
    void anEndpointKeepsItsLastGoodBundleAndRefusesAnOlderSequence() {
        AtomicInteger changes = new AtomicInteger();
        serve(bundle(List.of(ca.certificate()), jwtKey, 5, 1L), 200);
        BundleEndpoint e = new BundleEndpoint("acme.test", URI.create("http://127.0.0.1:" + endpoint.port()
                + "/bundle"), DEPENDENCIES.dependency("bundle:acme.test"), HttpClient.create(),
                Duration.ofMinutes(5), Clock.systemUTC(), changes::incrementAndGet);
        try {
            e.refresh().block(Duration.ofSeconds(5));
            assertThat(e.current().sequence()).isEqualTo(5);
            assertThat(e.nextDelay()).as("the bundle's refresh hint").isEqualTo(Duration.ofSeconds(1));
            assertThat(e.stale(Instant.now(), Duration.ofMinutes(1))).isFalse();

            serve("{\"keys\":[{\"kty\":\"EC\"}]}", 200);
            assertThatThrownBy(() -> e.refresh().block(Duration.ofSeconds(5))).isInstanceOf(RuntimeException.class);
            serve("", 503);
            assertThatThrownBy(() -> e.refresh().block(Duration.ofSeconds(5))).isInstanceOf(RuntimeException.class);
            serve(bundle(List.of(ca2.certificate()), jwtKey, 4, null), 200);
            assertThatThrownBy(() -> e.refresh().block(Duration.ofSeconds(5))).hasMessageContaining("older");
            assertThat(e.current().x509Authorities()).as("last good kept").containsExactly(ca.certificate());
            assertThat(changes).hasValue(1);

            serve(bundle(List.of(ca.certificate(), ca2.certificate()), null, 6, null), 200);
            e.refresh().block(Duration.ofSeconds(5));
            assertThat(e.current().x509Authorities()).hasSize(2);
            assertThat(e.nextDelay()).as("no hint: the configured interval").isEqualTo(Duration.ofMinutes(5));
            assertThat(changes).hasValue(2);
        } finally {
            e.close();
        }
    }

    @Test
    void trustBundlesRebuildTheTrustDomainsAnHandshakeSees() {
        serve(bundle(List.of(ca.certificate()), null, 1, null), 200);
        TrustBundles bundles = new TrustBundles();
        BundleEndpoint e = new BundleEndpoint("acme.test", URI.create("http://127.0.0.1:" + endpoint.port()
                + "/bundle"), DEPENDENCIES.dependency("bundle:acme.test"), HttpClient.create(),
                Duration.ofMinutes(5), Clock.systemUTC(), bundles::rebuild);
        bundles.add("acme.test", "acme", e);
        bundles.rebuild();
        X509Certificate[] leaf = {Certificates.issue(ca2, Certificates.svid("spiffe://acme.test/a")).certificate()};
        assertThatThrownBy(() -> bundles.get().verify(leaf)).isInstanceOf(SvidRejectedException.class);
        serve(bundle(List.of(ca.certificate(), ca2.certificate()), null, 2, null), 200);
        e.refresh().block(Duration.ofSeconds(5));
        assertThat(bundles.get().verify(leaf)).isEqualTo(SpiffeId.workload("spiffe://acme.test/a"));
        assertThat(bundles.get().get("acme.test").tenant()).isEqualTo("acme");
    }

    private static void serve(String body, int status) {
        endpoint.resetAll();
        endpoint.stubFor(get(urlEqualTo("/bundle")).willReturn(aResponse().withStatus(status).withBody(body)));
    }
}
