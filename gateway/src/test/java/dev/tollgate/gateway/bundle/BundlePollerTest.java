package dev.tollgate.gateway.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.policy.PolicyEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Issue 16, item 2: an instance follows the bundle published at an HTTPS URL — polled with ETags, a new bundle verified
 * and activated, a bad one refused with its reason while the active policy stays, and the last good bundle run again
 * after a restart with the source down. A real TLS server on loopback.
 */
class BundlePollerTest {

    @TempDir
    Path dir;

    private final ECKey key = generate();
    private final AtomicReference<byte[]> published = new AtomicReference<>();
    private final AtomicInteger notModified = new AtomicInteger();

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path folder(String name, String action) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.resolve("acme"));
        Files.writeString(p.resolve("acme/tenant.yaml"), "tenant: acme\ntrust-domains: [acme.test]\n"
                + "resources: [/api/acme/]\n");
        Files.writeString(p.resolve("acme/rules.yaml"), """
                tenant: acme
                rules:
                  - id: %s
                    effect: permit
                    principal: { prefix: "spiffe://acme.test/" }
                    action: [%s]
                    resource: /api/acme/**
                """.formatted(action.toLowerCase(), action));
        return p;
    }

    private DisposableServer server(Certificates.Issued tls) throws Exception {
        var context = io.netty.handler.ssl.SslContextBuilder.forServer(tls.key(), tls.certificate()).build();
        return HttpServer.create().host("127.0.0.1").port(0).secure(spec -> spec.sslContext(context))
                .route(r -> r.get("/bundle.zip", (req, res) -> {
                    byte[] body = published.get();
                    String etag = "\"" + PolicyBundle.sha256(body).substring(0, 16) + "\"";
                    if (etag.equals(req.requestHeaders().get("If-None-Match"))) {
                        notModified.incrementAndGet();
                        return res.status(304).send();
                    }
                    return res.header("ETag", etag).sendByteArray(Mono.just(body)).then();
                }))
                .bindNow();
    }

    @Test
    void anInstanceFollowsThePublishedBundleRefusesBadOnesAndRestartsOnTheLastGood() throws Exception {
        Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("bundle server CA"));
        Certificates.writePem(dir.resolve("ca.pem"), ca.certificate());
        Certificates.Issued tls = Certificates.issue(ca, Certificates.server("localhost"));
        Path cache = dir.resolve("cache");
        Files.createDirectories(cache);
        JWKSet keys = new JWKSet(key.toPublicJWK());
        PolicyEngine engine = PolicyEngine.load(folder("local", "GET"), Clock.systemUTC());
        var revisionLocal = engine.revision("acme").orElseThrow();

        published.set(PolicyBundle.build(folder("v1", "PUT"), key, "v1"));
        DisposableServer server = server(tls);
        URI url = URI.create("https://localhost:" + server.port() + "/bundle.zip");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        BundlePoller poller = new BundlePoller(url, keys, cache,
                BundlePoller.client(dir.resolve("ca.pem"), Duration.ofSeconds(5)), engine, Clock.systemUTC(), meters);
        try {
            assertThat(poller.activateLastGood()).as("nothing on disk yet").isFalse();
            poller.poll().block(Duration.ofSeconds(10));
            assertThat(engine.revision("acme").orElseThrow()).isNotEqualTo(revisionLocal);
            assertThat(poller.status().label()).isEqualTo("v1");
            var revisionV1 = engine.revision("acme").orElseThrow();
            poller.poll().block(Duration.ofSeconds(10));
            assertThat(notModified).as("unchanged: 304 by ETag").hasValue(1);

            // A new bundle: active after the next poll. Convergence measured with a poll loop every 200 ms.
            published.set(PolicyBundle.build(folder("v2", "DELETE"), key, "v2"));
            long start = System.nanoTime();
            var loop = reactor.core.publisher.Flux.interval(Duration.ZERO, Duration.ofMillis(200))
                    .concatMap(t -> poller.poll()).subscribe();
            try {
                long deadline = start + Duration.ofSeconds(10).toNanos();
                while ("v1".equals(poller.status().label()) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            } finally {
                loop.dispose();
            }
            System.out.printf("bundle convergence after publishing: %d ms (poll interval 200 ms)%n",
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            assertThat(poller.status().label()).isEqualTo("v2");
            var revisionV2 = engine.revision("acme").orElseThrow();
            assertThat(revisionV2).isNotEqualTo(revisionV1);

            // Tampered in transit: refused, v2 stays.
            var entries = PolicyBundleTest.entries(PolicyBundle.build(folder("v3", "PATCH"), key, "v3"));
            entries.put("acme/rules.yaml", new String(entries.get("acme/rules.yaml"),
                    java.nio.charset.StandardCharsets.UTF_8).replace("PATCH", "POST").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            published.set(PolicyBundleTest.zip(entries));
            poller.poll().block(Duration.ofSeconds(10));
            assertThat(engine.revision("acme").orElseThrow()).isEqualTo(revisionV2);
            assertThat(poller.status().lastRefusal()).startsWith("bundle.digest");
            // Signed by someone else: refused.
            published.set(PolicyBundle.build(folder("v4", "PATCH"), generate(), "v4"));
            poller.poll().block(Duration.ofSeconds(10));
            assertThat(poller.status().lastRefusal()).startsWith("bundle.signature");
            // Signed, but its policy does not load: refused whole.
            Path broken = folder("v5", "PATCH");
            Files.writeString(broken.resolve("acme/rules.yaml"), "tenant: acme\nrules: [{id: x, effect: maybe}]\n");
            published.set(PolicyBundle.build(broken, key, "v5"));
            poller.poll().block(Duration.ofSeconds(10));
            assertThat(poller.status().lastRefusal()).startsWith("bundle.policy");
            assertThat(engine.revision("acme").orElseThrow()).isEqualTo(revisionV2);
            assertThat(meters.counter("tollgate.policy.bundle.refusals", "reason", "bundle.signature").count())
                    .isEqualTo(1);
        } finally {
            server.disposeNow();
        }

        // A restart with the source down: the last good bundle (v2), verified again, is what runs.
        PolicyEngine restarted = PolicyEngine.load(dir.resolve("local"), Clock.systemUTC());
        BundlePoller again = new BundlePoller(url, keys, cache, BundlePoller.client(dir.resolve("ca.pem"),
                Duration.ofSeconds(1)), restarted, Clock.systemUTC(), new SimpleMeterRegistry());
        assertThat(again.activateLastGood()).isTrue();
        assertThat(again.status().label()).isEqualTo("v2");
        again.poll().block(Duration.ofSeconds(10));
        assertThat(again.status().lastRefusal()).as("source down").startsWith("bundle.fetch");
        assertThat(again.status().label()).isEqualTo("v2");
        // ... unless the key it was signed with is no longer trusted.
        BundlePoller rotated = new BundlePoller(url, new JWKSet(generate().toPublicJWK()), cache,
                BundlePoller.client(null, Duration.ofSeconds(1)), PolicyEngine.load(dir.resolve("local"),
                Clock.systemUTC()), Clock.systemUTC(), new SimpleMeterRegistry());
        assertThat(rotated.activateLastGood()).isFalse();
    }
}
