package dev.tollgate.gateway.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.fallback.Dependency;
import dev.tollgate.gateway.identity.TrustBundleSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
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

    private final IssuerSettings settings;
    private final Dependency dependency;
    private final HttpClient http;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
    private final AtomicReference<URI> discoveredJwksUri = new AtomicReference<>();
    /** Millis of the last successful load; 0 before the first. */
    private final AtomicLong loadedAt = new AtomicLong();
    /** Millis of the last refetch an unknown kid triggered (rate limit). */
    private final AtomicLong lastUnknownKidRefetch = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicReference<Mono<Void>> inFlight = new AtomicReference<>();
    private final Clock clock;
    /** When the keys are a trust domain's JWT authorities: its bundle, refreshed by its own source. */
    private final TrustBundleSource bundle;
    private Disposable refresher;

    public IssuerKeys(IssuerSettings settings, Dependency dependency, HttpClient http) {
        this(settings, dependency, http, null, Clock.systemUTC());
    }

    public IssuerKeys(IssuerSettings settings, Dependency dependency, HttpClient http, TrustBundleSource bundle) {
        this(settings, dependency, http, bundle, Clock.systemUTC());
    }

    public IssuerKeys(IssuerSettings settings, Dependency dependency, HttpClient http, TrustBundleSource bundle,
                      Clock clock) {
        this.settings = settings;
        this.dependency = dependency;
        this.http = http;
        this.bundle = bundle;
        this.clock = clock;
    }

    public String issuer() {
        return settings.issuer();
    }

    /**
     * Whether the cached keys may still be used: always for a file; for a remote source, until
     * {@code max-key-staleness} has passed since the last good fetch (the IdP may have rotated a compromised key).
     */
    public boolean usable() {
        Duration bound = settings.maxKeyStaleness();
        if (bound == null || settings.jwksFile() != null) {
            return true;
        }
        if (bundle != null) {
            return !bundle.stale(clock.instant(), bound);
        }
        long at = loadedAt.get();
        return at != 0 && clock.millis() - at <= bound.toMillis();
    }

    /**
     * A token named a key we do not have: refetch now — at most once per {@code unknown-kid-refetch-interval}, so a
     * flood of made-up {@code kid}s cannot make Tollgate hammer the IdP. Completes with {@code true} when a refetch
     * ran (concurrent callers share it), {@code false} when the rate limit said no.
     */
    public Mono<Boolean> refetchForUnknownKid() {
        if (settings.jwksFile() != null) {
            return Mono.just(false);
        }
        Mono<Void> running = inFlight.get();
        if (running != null) {
            return running.thenReturn(true).onErrorReturn(true);
        }
        long now = clock.millis();
        long last = lastUnknownKidRefetch.get();
        if (now - last < settings.unknownKidRefetchInterval().toMillis()
                || !lastUnknownKidRefetch.compareAndSet(last, now)) {
            return Mono.just(false);
        }
        Mono<Void> refetch = refresh().doFinally(s -> inFlight.set(null)).cache();
        inFlight.set(refetch);
        return refetch.thenReturn(true).onErrorReturn(true);
    }

    /** The key with this id, or {@code null}. */
    public JWK key(String kid) {
        if (kid == null) {
            return null;
        }
        return bundle != null ? bundle.current().jwtAuthorities().getKeyByKeyId(kid) : keys.get().getKeyByKeyId(kid);
    }

    /** The only key when the issuer publishes exactly one and the token names none. */
    public JWK soleKey() {
        if (bundle != null) {
            return null; // JWT-SVIDs name their key: never pick one by elimination
        }
        var all = keys.get().getKeys();
        return all.size() == 1 ? all.get(0) : null;
    }

    /**
     * Whether tokens can be verified at all: there are keys, and they may still be used. Readiness is down while any
     * issuer has none.
     */
    public boolean hasKeys() {
        if (bundle != null) {
            return !bundle.current().jwtAuthorities().getKeys().isEmpty() && usable();
        }
        return !keys.get().getKeys().isEmpty() && usable();
    }

    /**
     * Loads once (returned Mono completes when the first load is done or failed) and keeps refreshing. A local
     * {@code jwks-file} is read here, synchronously, at start-up: a file that cannot be read, parsed, or holds no key
     * stops the start with a message saying so, instead of a gateway that starts unable to verify anything (a timed-out
     * background read on a loaded machine once left readiness UP with 0 keys).
     *
     * @throws IllegalStateException for a local key file that is unusable
     */
    public Mono<Void> start() {
        if (bundle != null) {
            return Mono.empty(); // the trust domain's bundle source keeps itself fresh
        }
        if (settings.jwksFile() != null) {
            JWKSet set = readKeyFile(settings);
            keys.set(set);
            loadedAt.set(clock.millis());
        }
        // The rest when subscribed (once every bean exists, FirstLoads): a refresh serves its answer on an event loop,
        // which must not meet a bean still being made.
        return Mono.defer(() -> {
            refresher = Flux.interval(settings.refreshInterval(), settings.refreshInterval())
                    .onBackpressureDrop()
                    .concatMap(tick -> refresh().onErrorResume(e -> Mono.empty()))
                    .subscribe();
            if (settings.jwksFile() != null) {
                return Mono.empty(); // read above; the refresher picks up changes to the file
            }
            // A cold start's first call may exceed the time limit: retry a few times before giving up to the refresher.
            return refresh().retryWhen(reactor.util.retry.Retry.backoff(4, Duration.ofMillis(200)));
        });
    }

    public Mono<Void> refresh() {
        if (bundle != null) {
            return bundle.refresh();
        }
        return dependency.call(this::fetch)
                .doOnNext(set -> {
                    keys.set(set);
                    loadedAt.set(clock.millis());
                    log.debug("issuer {}: {} keys loaded", settings.issuer(), set.size());
                })
                .doOnError(e -> log.warn("issuer {}: key refresh failed, keeping {} cached keys: {}",
                        settings.issuer(), keys.get().size(), e.toString()))
                .then();
    }

    /** An issuer's local key file, read and parsed; {@link IllegalStateException} naming issuer and file if unusable. */
    public static JWKSet readKeyFile(IssuerSettings settings) {
        Path file = settings.jwksFile();
        try {
            JWKSet set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (set.getKeys().isEmpty()) {
                throw new IllegalStateException("issuer " + settings.issuer() + ": jwks-file " + file
                        + " holds no keys");
            }
            return set;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("issuer " + settings.issuer() + ": cannot read jwks-file " + file + ": "
                    + e, e);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("issuer " + settings.issuer() + ": jwks-file " + file
                    + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    private Mono<JWKSet> fetch() {
        if (settings.jwksFile() != null) {
            return Mono.fromCallable(() -> JWKSet.parse(Files.readString(settings.jwksFile(), StandardCharsets.UTF_8)))
                    .subscribeOn(Schedulers.boundedElastic());
        }
        if (settings.discovery()) {
            URI known = discoveredJwksUri.get();
            return (known != null ? Mono.just(known) : discover()).flatMap(this::fetchJwks);
        }
        return fetchJwks(settings.jwksUri());
    }

    /** OIDC discovery: the provider's metadata names its {@code jwks_uri}; its {@code issuer} must be ours. */
    private Mono<URI> discover() {
        String base = settings.issuer().endsWith("/") ? settings.issuer().substring(0, settings.issuer().length() - 1)
                : settings.issuer();
        return get(base + "/.well-known/openid-configuration").map(json -> {
            try {
                var metadata = com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata.parse(json);
                if (!settings.issuer().equals(metadata.getIssuer().getValue())) {
                    throw new IllegalStateException("discovery document names issuer " + metadata.getIssuer()
                            + ", not " + settings.issuer());
                }
                URI jwks = metadata.getJWKSetURI();
                if (jwks == null) {
                    throw new IllegalStateException("discovery document has no jwks_uri");
                }
                try {
                    RemoteJson.requireSecure(jwks, "the discovered jwks_uri");
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(e.getMessage());
                }
                discoveredJwksUri.set(jwks);
                return jwks;
            } catch (com.nimbusds.oauth2.sdk.ParseException e) {
                throw new IllegalStateException("discovery document unparseable: " + e.getMessage());
            }
        });
    }

    private Mono<JWKSet> fetchJwks(URI uri) {
        return get(uri.toString()).map(json -> {
            try {
                return JWKSet.parse(json);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("JWKS unparseable: " + e.getMessage());
            }
        });
    }

    private Mono<String> get(String uri) {
        return RemoteJson.get(http, URI.create(uri));
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
