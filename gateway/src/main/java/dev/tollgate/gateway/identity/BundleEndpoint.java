package dev.tollgate.gateway.identity;

import dev.tollgate.fallback.Dependency;
import dev.tollgate.gateway.token.RemoteJson;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A trust domain's bundle from its SPIFFE bundle endpoint, fetched in the background through the trust domain's
 * {@link Dependency} with a client of the endpoint's {@link BundleEndpointProfile}. It starts from a bootstrap bundle
 * (the {@code bundle-file}) when one is given — the https_spiffe profile needs one to authenticate its first fetch.
 * Refreshed every {@code spiffe_refresh_hint} when the bundle gives one (bounded below, so a tiny hint cannot make
 * us hammer the endpoint), else every configured interval. A bundle that fails to load or parse, or whose
 * {@code spiffe_sequence} goes backwards (a replayed old bundle), is refused: the last good one stays.
 */
public final class BundleEndpoint implements TrustBundleSource {

    private static final Logger log = LoggerFactory.getLogger(BundleEndpoint.class);
    static final Duration MIN_REFRESH = Duration.ofSeconds(1);

    private final String trustDomain;
    private final URI uri;
    private final Dependency dependency;
    private final HttpClient http;
    private final Duration refreshInterval;
    private final Clock clock;
    private final Runnable onChange;
    private final AtomicReference<SpiffeBundle> current = new AtomicReference<>(SpiffeBundle.ofX509(List.of()));
    private volatile Instant confirmedAt;
    private volatile boolean closed;
    private volatile Disposable next;
    /** Consecutive failed refreshes: a failing endpoint is retried sooner than the refresh interval, with backoff. */
    private volatile int failures;

    public BundleEndpoint(String trustDomain, URI uri, Dependency dependency, HttpClient http,
                          Duration refreshInterval, Clock clock, Runnable onChange) {
        this(trustDomain, uri, null, dependency, http, refreshInterval, clock, onChange);
    }

    /** @param bootstrap the bundle to serve until the first fetch succeeds, or {@code null} for none */
    public BundleEndpoint(String trustDomain, URI uri, SpiffeBundle bootstrap, Dependency dependency, HttpClient http,
                          Duration refreshInterval, Clock clock, Runnable onChange) {
        if (bootstrap != null) {
            current.set(bootstrap);
        }
        this.trustDomain = trustDomain;
        this.uri = uri;
        this.dependency = dependency;
        this.http = http;
        this.refreshInterval = refreshInterval;
        this.clock = clock;
        this.onChange = onChange;
    }

    @Override
    public SpiffeBundle current() {
        return current.get();
    }

    @Override
    public boolean stale(Instant now, Duration bound) {
        Instant confirmed = confirmedAt;
        return confirmed == null || now.isAfter(confirmed.plus(bound));
    }

    /**
     * Loads once — retrying a few times at first, since a cold start's first call may exceed the time limit — and keeps
     * refreshing. The returned Mono ends when the first load is done or has failed for good.
     */
    public Mono<Void> start() {
        return refresh().retryWhen(reactor.util.retry.Retry.backoff(4, Duration.ofMillis(200)))
                .doFinally(signal -> scheduleNext());
    }

    @Override
    public Mono<Void> refresh() {
        return dependency.call(() -> RemoteJson.get(http, uri))
                .map(SpiffeBundle::parse)
                .doOnNext(this::accept)
                .doOnNext(b -> failures = 0)
                .doOnError(e -> failures++)
                .doOnError(e -> log.warn("trust domain {}: bundle refresh failed, keeping the last good bundle: {}",
                        trustDomain, e.toString()))
                .then();
    }

    private void accept(SpiffeBundle bundle) {
        SpiffeBundle old = current.get();
        if (old.sequence() != null && bundle.sequence() != null && bundle.sequence() < old.sequence()) {
            throw new IllegalStateException("bundle sequence " + bundle.sequence() + " is older than "
                    + old.sequence());
        }
        current.set(bundle);
        confirmedAt = clock.instant();
        log.debug("trust domain {}: bundle sequence {} loaded ({} X.509, {} JWT authorities)", trustDomain,
                bundle.sequence(), bundle.x509Authorities().size(), bundle.jwtAuthorities().size());
        onChange.run();
    }

    /** When the next refresh is due: the bundle's hint when it has one, else the configured interval. */
    Duration nextDelay() {
        Duration hint = current.get().refreshHint();
        Duration d = hint != null ? hint : refreshInterval;
        if (failures > 0) {
            Duration backoff = MIN_REFRESH.multipliedBy(1L << Math.min(failures - 1, 8));
            d = backoff.compareTo(d) < 0 ? backoff : d;
        }
        return d.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : d;
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        next = Mono.delay(nextDelay())
                .then(Mono.defer(this::refresh).onErrorResume(e -> Mono.empty()))
                .doFinally(signal -> scheduleNext())
                .subscribe();
    }

    @Override
    public void close() {
        closed = true;
        Disposable d = next;
        if (d != null) {
            d.dispose();
        }
    }
}
