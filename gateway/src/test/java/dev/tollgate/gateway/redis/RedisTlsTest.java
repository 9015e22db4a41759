package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.revocation.RedisRevocationStore;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.testsupport.RedisProcess;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 1 (part): TLS to Redis by configuration alone ({@code rediss://} with {@code tollgate.redis.tls}),
 * against a real {@code redis-server} that speaks only TLS and requires a client certificate: revocations are written
 * and announced through it; a Redis whose certificate the configured CA did not issue, or a client without a
 * certificate, never confirms the revocation view (fail closed).
 */
class RedisTlsTest {

    @TempDir
    Path dir;

    @Test
    void aTlsRedisRequiringClientCertificatesIsReachedByConfigurationAndAnythingElseFailsClosed() {
        Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("redis CA"));
        Certificates.issue(ca, Certificates.server("localhost")).writePem(dir.resolve("redis.pem"),
                dir.resolve("redis-key.pem"));
        Certificates.writePem(dir.resolve("ca.pem"), ca.certificate());
        Certificates.issue(ca, Certificates.svid("spiffe://ops.test/ns/edge/sa/tollgate")
                        .subject("CN=tollgate")).writePem(dir.resolve("client.pem"), dir.resolve("client-key.pem"));
        Certificates.Issued otherCa = Certificates.selfSigned(Certificates.ca("another CA"));
        Certificates.writePem(dir.resolve("other-ca.pem"), otherCa.certificate());

        try (RedisProcess redis = new RedisProcess(port -> new String[] {"--port", "0", "--tls-port",
                Integer.toString(port), "--tls-cert-file", dir.resolve("redis.pem").toString(),
                "--tls-key-file", dir.resolve("redis-key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.pem").toString(), "--tls-auth-clients", "yes"}).start()) {
            int port = redis.port();
            String uri = "rediss://127.0.0.1:" + port; // an IP: no name lookup on an event loop
            String prefix = TestRedis.uniquePrefix();
            DependencyRegistry deps = DependencyRegistry.ofDefaults();
            RedisTlsFiles good = new RedisTlsFiles(dir.resolve("ca.pem"), dir.resolve("client.pem"),
                    dir.resolve("client-key.pem"));
            try (RedisRevocationStore a = store(uri, good, prefix, deps);
                 RedisRevocationStore b = store(uri, good, prefix, deps);
                 RedisRevocationStore wrongCa = store(uri, new RedisTlsFiles(dir.resolve("other-ca.pem"),
                         dir.resolve("client.pem"), dir.resolve("client-key.pem")), prefix, deps);
                 RedisRevocationStore noClientCertificate = store(uri, new RedisTlsFiles(dir.resolve("ca.pem"), null,
                         null), prefix, deps)) {
                assertThat(a.awaitCurrent(Duration.ofSeconds(5))).isTrue();
                assertThat(b.awaitCurrent(Duration.ofSeconds(5))).isTrue();
                a.revoke(new Revocation(RevocationKind.PRINCIPAL, "spiffe://acme.test/ns/x/sa/tls", Instant.now(),
                        "t")).block(Duration.ofSeconds(2));
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!b.check("spiffe://acme.test/ns/x/sa/tls", null, null, null, null).revoked()) {
                    assertThat(System.nanoTime()).as("announced over TLS pub/sub").isLessThan(deadline);
                    Thread.onSpinWait();
                }
                assertThat(wrongCa.awaitCurrent(Duration.ofSeconds(1))).as("Redis's certificate is not trusted")
                        .isFalse();
                assertThat(noClientCertificate.awaitCurrent(Duration.ofSeconds(1)))
                        .as("Redis requires a client certificate").isFalse();
            }
        }
    }

    private static RedisRevocationStore store(String uri, RedisTlsFiles tls, String prefix, DependencyRegistry deps) {
        RedisRevocationStore store = new RedisRevocationStore(new RedisAccess(uri, Duration.ofMillis(500),
                RedisAccess.DEFAULT_RECONNECT_MAX_DELAY, null, tls), deps.dependency("redis:" + tls.hashCode()),
                Clock.systemUTC(), prefix, Duration.ofMillis(200));
        store.start();
        return store;
    }
}
