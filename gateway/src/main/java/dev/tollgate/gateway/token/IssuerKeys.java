package dev.tollgate.gateway.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.fallback.Dependency;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * An issuer's verification keys, held in memory and refreshed in the background — never fetched on a request's path.
 * A fetch goes through the issuer's {@link Dependency} (time limit, circuit breaker); a failed refresh keeps the last
 * good keys.
 */
public final class IssuerKeys implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    private final IssuerSettings settings;
    private final Dependency dependency;
    private final HttpClient http;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
    private Disposable refresher;

    public IssuerKeys(IssuerSettings settings, Dependency dependency, HttpClient http) {
        this.settings = settings;
        this.dependency = dependency;
        this.http = http;
        if (settings.jwksFile() == null && settings.jwksUri() == null) {
            throw new IllegalArgumentException("issuer " + settings.issuer() + ": jwks-file or jwks-uri is required");
        }
    }

    /** The key with this id, or {@code null}. */
    public JWK key(String kid) {
        return kid == null ? null : keys.get().getKeyByKeyId(kid);
    }

    /** The only key when the issuer publishes exactly one and the token names none. */
    public JWK soleKey() {
        var all = keys.get().getKeys();
        return all.size() == 1 ? all.get(0) : null;
    }

    /** Loads once (returned Mono completes when the first load is done or failed) and keeps refreshing. */
    public Mono<Void> start() {
        refresher = Flux.interval(settings.refreshInterval(), settings.refreshInterval())
                .onBackpressureDrop()
                .concatMap(tick -> refresh().onErrorResume(e -> Mono.empty()))
                .subscribe();
        return refresh();
    }

    public Mono<Void> refresh() {
        return dependency.call(this::fetch)
                .doOnNext(set -> {
                    keys.set(set);
                    log.debug("issuer {}: {} keys loaded", settings.issuer(), set.size());
                })
                .doOnError(e -> log.warn("issuer {}: key refresh failed, keeping {} cached keys: {}",
                        settings.issuer(), keys.get().size(), e.toString()))
                .then();
    }

    private Mono<JWKSet> fetch() {
        if (settings.jwksFile() != null) {
            return Mono.fromCallable(() -> JWKSet.parse(Files.readString(settings.jwksFile(), StandardCharsets.UTF_8)))
                    .subscribeOn(Schedulers.boundedElastic());
        }
        return http.get().uri(settings.jwksUri().toString())
                .responseSingle((response, body) -> {
                    if (response.status().code() != 200) {
                        return Mono.error(new IllegalStateException("JWKS answered " + response.status().code()));
                    }
                    return body.asString(StandardCharsets.UTF_8);
                })
                .map(json -> {
                    if (json.length() > MAX_JWKS_BYTES) {
                        throw new IllegalStateException("JWKS too large");
                    }
                    try {
                        return JWKSet.parse(json);
                    } catch (java.text.ParseException e) {
                        throw new IllegalStateException("JWKS unparseable: " + e.getMessage());
                    }
                });
    }

    public int size() {
        return keys.get().size();
    }

    Duration refreshInterval() {
        return settings.refreshInterval();
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.dispose();
        }
    }
}
