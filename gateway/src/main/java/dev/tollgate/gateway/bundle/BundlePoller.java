package dev.tollgate.gateway.bundle;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.policy.PolicyEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Keeps this instance on the policy bundle published at a URL: polls it with {@code If-None-Match}, verifies a new one
 * ({@link PolicyBundle#verify}), unpacks it under the cache folder and activates it, every tenant at once. The last
 * good bundle stays on disk ({@code <cache>/current} names it), so a restart runs it — verified again — before the
 * source is reachable. A bundle that fails verification or does not load is refused with its reason, and the active
 * policy stays.
 */
public final class BundlePoller {

    private static final Logger log = LoggerFactory.getLogger(BundlePoller.class);
    /** The largest bundle fetched (compressed); unpacking is bounded separately. */
    static final int MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

    /** What the poller knows, for the admin API and the fleet view. */
    public record Status(URI url, String digest, String label, Instant activatedAt, Instant lastCheck,
                         String lastRefusal) {
    }

    private final URI url;
    private final JWKSet keys;
    private final Path cache;
    private final HttpClient http;
    private final PolicyEngine engine;
    private final Clock clock;
    private final MeterRegistry meters;
    private volatile String etag;
    private volatile Status status;

    public BundlePoller(URI url, JWKSet keys, Path cache, HttpClient http, PolicyEngine engine, Clock clock,
                        MeterRegistry meters) {
        this.url = url;
        this.keys = keys;
        this.cache = cache;
        this.http = http;
        this.engine = engine;
        this.clock = clock;
        this.meters = meters;
        this.status = new Status(url, null, null, null, null, null);
    }

    public Status status() {
        return status;
    }

    /**
     * At start-up (blocking): the last good bundle, verified again with today's keys, becomes the active policy.
     * Returns whether there was one.
     */
    public boolean activateLastGood() {
        Path current = cache.resolve("current");
        if (!Files.isRegularFile(current)) {
            return false;
        }
        try {
            String digest = Files.readString(current).trim();
            byte[] bundle = Files.readAllBytes(cache.resolve(digest + ".zip"));
            activate(bundle, "last good bundle on disk");
            return true;
        } catch (IOException | RuntimeException e) {
            refused(e);
            log.warn("policy bundle: the last good bundle in {} was not used: {}", cache, e.getMessage());
            return false;
        }
    }

    /** One poll: unchanged (304), or a new bundle verified and activated, or refused. Never fails. */
    public Mono<Void> poll() {
        String known = etag;
        return http.headers(h -> {
                    if (known != null) {
                        h.set("If-None-Match", known);
                    }
                })
                .get().uri(url.toString())
                .responseSingle((response, body) -> {
                    int code = response.status().code();
                    if (code == 304) {
                        return Mono.just(new Fetched(304, null, known));
                    }
                    if (code != 200) {
                        return Mono.error(new BundleRefusedException("bundle.fetch", url + " answered " + code));
                    }
                    String length = response.responseHeaders().get("Content-Length");
                    if (length != null && Long.parseLong(length) > MAX_BUNDLE_BYTES) {
                        return Mono.error(new BundleRefusedException("bundle.too-large", "more than "
                                + MAX_BUNDLE_BYTES + " bytes"));
                    }
                    return body.asByteArray().map(bytes -> new Fetched(200, bytes,
                            response.responseHeaders().get("ETag")));
                })
                .publishOn(Schedulers.boundedElastic()) // verifying and unpacking read and write files
                .doOnNext(f -> {
                    status = withCheck(status);
                    if (f.code() == 200) {
                        if (f.body().length > MAX_BUNDLE_BYTES) {
                            throw new BundleRefusedException("bundle.too-large", "more than " + MAX_BUNDLE_BYTES
                                    + " bytes");
                        }
                        if (!PolicyBundle.sha256(f.body()).equals(status.digest())) {
                            activate(f.body(), url.toString());
                        }
                        etag = f.etag();
                    }
                })
                .onErrorResume(e -> {
                    refused(e);
                    return Mono.empty();
                })
                .then();
    }

    private record Fetched(int code, byte[] body, String etag) {
    }

    private void activate(byte[] bundle, String from) {
        PolicyBundle.Contents contents = PolicyBundle.verify(bundle, keys);
        try {
            Path dir = cache.resolve(contents.digest());
            if (!Files.isDirectory(dir)) {
                Path staging = Files.createTempDirectory(cache, "unpacking-");
                PolicyBundle.unpack(contents, staging);
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            engine.activate(dir); // refused whole (PolicyLoadException) if it does not load
            Path zip = cache.resolve(contents.digest() + ".zip");
            if (!Files.exists(zip)) {
                Files.write(zip, bundle);
            }
            Path next = Files.createTempFile(cache, "current", ".tmp");
            Files.writeString(next, contents.digest(), StandardCharsets.US_ASCII);
            Files.move(next, cache.resolve("current"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BundleRefusedException("bundle.storage", "cannot store the bundle under " + cache + ": "
                    + e.getMessage());
        }
        status = new Status(url, contents.digest(), contents.label(), clock.instant(), clock.instant(), null);
        meters.counter("tollgate.policy.bundle.activations").increment();
        log.info("policy bundle {} ({}) from {} activated: {}", contents.digest().substring(0, 16),
                contents.label(), from, engine.revisions());
    }

    private void refused(Throwable e) {
        String reason = e instanceof BundleRefusedException b ? b.reason()
                : e instanceof dev.tollgate.policy.PolicyLoadException ? "bundle.policy" : "bundle.fetch";
        meters.counter("tollgate.policy.bundle.refusals", "reason", reason).increment();
        Status s = status;
        status = new Status(s.url(), s.digest(), s.label(), s.activatedAt(), clock.instant(), reason + ": "
                + e.getMessage());
        log.warn("policy bundle from {} refused ({}): {}; keeping the active policy", url, reason, e.getMessage());
    }

    private Status withCheck(Status s) {
        return new Status(s.url(), s.digest(), s.label(), s.activatedAt(), clock.instant(), s.lastRefusal());
    }

    /** The poller's HTTPS client: the JVM's trust store, or exactly the CAs of {@code caFile}. */
    public static HttpClient client(Path caFile, Duration timeout) {
        HttpClient client = HttpClient.create().responseTimeout(timeout)
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
        if (caFile == null) {
            return client;
        }
        try {
            var context = io.netty.handler.ssl.SslContextBuilder.forClient()
                    .trustManager(dev.tollgate.gateway.crypto.PemFiles.trust(caFile)).build();
            return client.secure(spec -> spec.sslContext(context));
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("cannot make the bundle client's TLS context: " + e.getMessage());
        }
    }
}
