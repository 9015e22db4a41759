package dev.tollgate.gateway.revocation;

import dev.tollgate.fallback.Dependency;
import dev.tollgate.gateway.redis.RedisAccess;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Revocations shared by every instance through Redis: a hash holds them, a version counter says when they changed,
 * and a pub/sub message announces each change so every instance updates its in-memory view at once. A poll of the
 * version (cheap) heals a missed message and tells how current the view is; while Redis is unreachable the view ages
 * and {@link RevocationCheck#staleMillis()} says by how much, for the route's failure mode to decide.
 * <p>
 * Revocations live only in Redis, which may restart empty (no persistence) or fail over to a replica that missed the
 * last writes. An <em>epoch</em> names the data set: written once when it is created, it changes only when the data
 * set is new. An instance that sees its known epoch vanish or change keeps every revocation it knows and treats the
 * list as not current (routes meet their failure mode) — a lost data set never silently un-revokes anyone — until an
 * operator {@link #reseed() reseeds} it from an instance's view, which marks the new epoch as a reseed every instance
 * accepts (merging, never dropping, what it knew).
 */
public final class RedisRevocationStore implements RevocationStore {

    private static final Logger log = LoggerFactory.getLogger(RedisRevocationStore.class);
    private static final JsonMapper json = JsonMapper.builder().build();

    static {
        // Jackson builds its deserializers on first use under a lock; do it here, not on an event loop.
        json.readTree("{\"a\":[1]}");
    }

    private final RedisAccess redis;
    private final Dependency dependency;
    private final Clock clock;
    private final Duration pollInterval;
    /** Unconfirmed for longer than this, the view is stale (see {@link #staleAfter}). */
    private final long staleAfterMillis;
    private final String hashKey;
    private final String legacyHashKey;
    private final int replicaAcks;
    private final Duration replicaTimeout;
    private final String versionKey;
    private final String channel;
    private final String epochKey;
    private final String reseedKey;
    /** The epoch of the data set this view came from; {@code null} before the first poll. */
    private volatile String knownEpoch;
    /** The data set this view came from is gone: keep the view, but it is not current until reseeded. */
    private volatile boolean lost;
    private final Map<String, Revocation> view = new ConcurrentHashMap<>();
    /** When (nanoTime) an announcement last added each key: a reload must not drop what arrived after its snapshot. */
    private final Map<String, Long> announcedAt = new ConcurrentHashMap<>();
    private final List<Consumer<Revocation>> listeners = new CopyOnWriteArrayList<>();
    private volatile String knownVersion;
    private volatile Instant lastConfirmed = Instant.EPOCH;
    /** Completed the first time the view is confirmed current: what start-up waits for. */
    private final java.util.concurrent.CompletableFuture<Void> firstConfirmed = new java.util.concurrent.CompletableFuture<>();
    private Disposable poller;

    public RedisRevocationStore(RedisAccess redis, Dependency dependency, Clock clock, String keyPrefix,
                                Duration pollInterval) {
        this(redis, dependency, clock, keyPrefix, pollInterval,
                dev.tollgate.fallback.DependencySettings.DEFAULTS.timeLimit(), 0, Duration.ZERO);
    }

    /**
     * {@code pollTimeLimit}: how long one poll may take (the Redis dependency's {@code time-limit});
     * {@code replicaAcks}: a revocation is confirmed once that many replicas hold it ({@code tollgate.redis}).
     */
    public RedisRevocationStore(RedisAccess redis, Dependency dependency, Clock clock, String keyPrefix,
                                Duration pollInterval, Duration pollTimeLimit, int replicaAcks,
                                Duration replicaTimeout) {
        this.replicaAcks = replicaAcks;
        this.replicaTimeout = replicaTimeout;
        this.redis = redis;
        this.dependency = dependency;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.staleAfterMillis = staleAfter(pollInterval, pollTimeLimit).toMillis();
        // One hash tag: in a cluster, the list, its version, epoch and reseed marker live in one slot (read together).
        this.hashKey = keyPrefix + "{revocations}";
        this.legacyHashKey = keyPrefix + "revocations";
        this.versionKey = keyPrefix + "{revocations}:version";
        this.channel = keyPrefix + "revocations";
        this.epochKey = keyPrefix + "{revocations}:epoch";
        this.reseedKey = keyPrefix + "{revocations}:reseeded";
    }

    /** Subscribes to announcements (on every (re)connect) and starts polling the version. */
    public void start() {
        redis.start(this::subscribe);
        poller = Flux.interval(Duration.ZERO, pollInterval)
                .onBackpressureDrop()
                .concatMap(t -> poll().onErrorResume(e -> {
                    log.debug("revocation poll failed: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    /**
     * {@link #start()} when subscribed, completing once the view is first confirmed current or after {@code wait}
     * (logged: routes that fail closed answer 503 until it is). Start-up runs it with the other first loads, once every
     * bean exists ({@link dev.tollgate.gateway.startup.FirstLoads} says why not in a bean method).
     */
    public Mono<Void> startAndConfirm(Duration wait) {
        return Mono.defer(() -> {
            start();
            // A copy: the time limit cancels what it waits on, and the view must still be confirmed later.
            return Mono.fromFuture(firstConfirmed.copy())
                    .timeout(wait)
                    .onErrorResume(e -> {
                        warnNotLoaded(wait);
                        return Mono.empty();
                    });
        });
    }

    @Override
    public String toString() {
        return "RedisRevocationStore[connected=" + redis.connected() + ", stale=" + staleMillis() + "ms, entries="
                + view.size() + ", epoch=" + knownEpoch + (lost ? ", LOST" : "") + "]";
    }

    /**
     * Waits, blocking the calling thread (never an event loop), until the view is first confirmed current or the wait
     * is over; returns whether it is current. For tests and tools that {@link #start()} a store themselves; the gateway
     * waits without blocking, through {@link #startAndConfirm}.
     */
    public boolean awaitCurrent(Duration wait) {
        try {
            firstConfirmed.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return staleMillis() == 0;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            warnNotLoaded(wait);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void subscribe(StatefulRedisPubSubConnection<String, String> connection) {
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                if (channel.equals(ch)) {
                    apply(message);
                }
            }
        });
        connection.async().subscribe(channel);
    }

    /**
     * Reads the version and the data set's epoch; reloads everything when the version moved; confirms the view as
     * current when it succeeds — unless the data set it came from was lost.
     */
    Mono<Void> poll() {
        if (!redis.connected()) {
            // Not connected: the view simply ages. (Calling anyway would only trip the breaker while Lettuce
            // reconnects, and delay recovery by the breaker's open wait.)
            return Mono.empty();
        }
        Instant started = clock.instant();
        return dependency.call(() -> redis.reactive().flatMap(r -> r.mget(versionKey, epochKey, reseedKey)
                        .collectList()))
                .flatMap(values -> {
                    String version = values.get(0).getValueOrElse("0");
                    String epoch = values.get(1).getValueOrElse(null);
                    String reseeded = values.get(2).getValueOrElse(null);
                    return epoch(epoch, reseeded).flatMap(merge -> version.equals(knownVersion) && !merge
                            ? Mono.just(version) : reload(merge).thenReturn(version));
                })
                .doOnNext(version -> {
                    knownVersion = version;
                    if (redis.connected() && !lost) {
                        lastConfirmed = started;
                        firstConfirmed.complete(null);
                    }
                })
                .then();
    }

    /**
     * Judges the data set's epoch against the one this view came from. Emits whether the next reload must merge
     * (keep every revocation this instance knows) rather than replace.
     */
    private Mono<Boolean> epoch(String epoch, String reseeded) {
        if (epoch == null) {
            if (view.isEmpty()) {
                // A data set without an epoch, and nothing known that it could have lost: this is its creation
                // (first start, or an empty list whose Redis restarted).
                String fresh = java.util.UUID.randomUUID().toString();
                return migrateLegacyList().then(dependency.call(() -> redis.reactive().flatMap(r -> r.setnx(epochKey,
                                fresh))))
                        .doOnNext(set -> {
                            knownEpoch = set ? fresh : null;
                            lost = false;
                        })
                        .thenReturn(false);
            }
            markLost("the revocation data set in Redis is gone (no epoch)");
            return Mono.just(true);
        }
        if (knownEpoch == null || epoch.equals(knownEpoch)) {
            knownEpoch = epoch;
            if (lost) {
                log.warn("revocation data set {} is back: the view is current again", epoch);
            }
            lost = false;
            return Mono.just(false);
        }
        if (epoch.equals(reseeded)) {
            log.warn("revocations were reseeded (epoch {}): merging them with the {} this instance knew", epoch,
                    view.size());
            knownEpoch = epoch;
            lost = false;
            return Mono.just(true);
        }
        if (view.isEmpty()) {
            knownEpoch = epoch; // another data set, but this instance knew no revocation it could have lost
            lost = false;
            return Mono.just(false);
        }
        markLost("the revocation data set in Redis was replaced (epoch " + epoch + ", this view came from "
                + knownEpoch + ")");
        return Mono.just(true);
    }

    /** Whether the data set this view came from was found lost (and not yet reseeded or restored). */
    boolean lost() {
        return lost;
    }

    private void markLost(String why) {
        if (!lost) {
            log.error("{}: keeping the {} revocations this instance knows and treating the list as not current;"
                    + " restore Redis, or reseed it from an instance with POST /revocations/reseed", why, view.size());
        }
        lost = true;
    }

    /**
     * Before 2026-12-02 the list lived at {@code <prefix>revocations}, without the hash tag a cluster needs. A data set
     * being created finds any list left there and copies it over first, so an upgrade never forgets a revocation.
     */
    private Mono<Void> migrateLegacyList() {
        return dependency.call(() -> redis.reactive().flatMap(r -> r.type(legacyHashKey)
                        .flatMap(type -> !"hash".equals(type) ? Mono.just(0L)
                                : r.hgetall(legacyHashKey).collectMap(kv -> kv.getKey(), kv -> kv.getValue())
                                        .flatMap(all -> all.isEmpty() ? Mono.just(0L)
                                                : r.hset(hashKey, all).thenReturn((long) all.size())))))
                .doOnNext(n -> {
                    if (n > 0) {
                        log.warn("revocations: copied {} entries from the pre-cluster key {} to {}", n, legacyHashKey,
                                hashKey);
                    }
                })
                .then();
    }

    /** Writes this view as a new data set with a new epoch, marked as a reseed every instance accepts. */
    @Override
    public Mono<Void> reseed() {
        String fresh = java.util.UUID.randomUUID().toString();
        Map<String, String> all = new HashMap<>();
        view.forEach((key, r) -> all.put(key, encode(r)));
        return dependency.call(() -> redis.reactive().flatMap(r -> (all.isEmpty() ? Mono.just("OK")
                        : r.hset(hashKey, all).thenReturn("OK"))
                        .then(r.set(reseedKey, fresh))
                        .then(r.set(epochKey, fresh))
                        .then(r.incr(versionKey))))
                .doOnSuccess(v -> {
                    knownEpoch = fresh;
                    lost = false;
                    log.warn("revocations reseeded from this instance's view: {} entries, epoch {}", all.size(),
                            fresh);
                })
                .then();
    }

    /** Reloads the whole list; with {@code merge}, nothing this instance knows is dropped (a lost or reseeded set). */
    private Mono<Void> reload(boolean merge) {
        long started = System.nanoTime();
        return dependency.call(() -> redis.reactive().flatMap(r -> r.hgetall(hashKey).collectMap(
                        kv -> kv.getKey(), kv -> kv.getValue())))
                .doOnNext(all -> {
                    Map<String, Revocation> fresh = new HashMap<>();
                    all.forEach((key, body) -> {
                        Revocation r = decode(body);
                        if (r != null) {
                            fresh.put(key, r);
                        }
                    });
                    fresh.forEach((key, r) -> {
                        if (view.put(key, r) == null) {
                            listeners.forEach(l -> l.accept(r));
                        }
                    });
                    if (!merge) {
                        view.keySet().removeIf(key -> !fresh.containsKey(key)
                                && announcedAt.getOrDefault(key, Long.MIN_VALUE) - started < 0);
                    }
                    announcedAt.values().removeIf(at -> at - started < 0);
                })
                .then();
    }

    private void apply(String message) {
        if (message.startsWith("+")) {
            Revocation r = decode(message.substring(1));
            if (r != null) {
                announcedAt.put(r.key(), System.nanoTime());
            }
            if (r != null && view.put(r.key(), r) == null) {
                listeners.forEach(l -> l.accept(r));
            }
        } else if (message.startsWith("-")) {
            announcedAt.remove(message.substring(1));
            view.remove(message.substring(1));
        }
    }

    @Override
    public Mono<Void> revoke(Revocation revocation) {
        String body = encode(revocation);
        return dependency.call(() -> redis.reactive().flatMap(r -> r.hset(hashKey, revocation.key(), body)
                        .then(r.incr(versionKey))
                        .then(replicated())
                        .then(r.publish(channel, "+" + body))))
                .doOnSuccess(n -> apply("+" + body))
                .then();
    }

    /**
     * With {@code replica-acks}, a revocation is confirmed only once that many replicas hold it: a failover to a
     * replica that missed it would otherwise silently un-revoke (the data set is not new, so no epoch change shows it).
     */
    private Mono<Long> replicated() {
        if (replicaAcks == 0) {
            return Mono.just(0L);
        }
        return redis.waitForReplicas(hashKey, replicaAcks, replicaTimeout).map(acks -> {
            if (acks < replicaAcks) {
                throw new IllegalStateException("the revocation reached " + acks + " of " + replicaAcks
                        + " replicas in time; retry");
            }
            return acks;
        });
    }

    @Override
    public Mono<Void> lift(RevocationKind kind, String value) {
        String key = Revocation.key(kind, value);
        return dependency.call(() -> redis.reactive().flatMap(r -> r.hdel(hashKey, key)
                        .then(r.incr(versionKey))
                        .then(r.publish(channel, "-" + key))))
                .doOnSuccess(n -> view.remove(key))
                .then();
    }

    @Override
    public Collection<Revocation> list() {
        return List.copyOf(view.values());
    }

    @Override
    public RevocationCheck check(String principal, String tenant, String tokenId, String jti, String jkt) {
        return RevocationStore.check(view, staleMillis(), principal, tenant, tokenId, jti, jkt);
    }

    /** 0 while the view is confirmed current (connected, confirmed within {@link #staleAfter}); else its age. */
    long staleMillis() {
        long age = Duration.between(lastConfirmed, clock.instant()).toMillis();
        if (lost) {
            return Math.max(1, age);
        }
        return redis.connected() && age <= staleAfterMillis ? 0 : Math.max(1, age);
    }

    /**
     * How long the view may go unconfirmed and still count as current: one missed poll, with every poll allowed its
     * full time. A poll makes up to two calls in a row (the version, then the list when it moved), each under the time
     * limit; polls run one after another, so the next starts a cycle later, a cycle being the longer of the interval
     * and one poll's time. The view is confirmed as of when its poll <em>started</em>: the bound is two cycles plus
     * the time the poll that confirms may take. Judged by two intervals alone, a healthy poll slower than one interval
     * (a slow network, a stalled scheduler) made every route that fails closed answer 503 although nothing was missed.
     */
    static Duration staleAfter(Duration pollInterval, Duration pollTimeLimit) {
        Duration poll = pollTimeLimit.multipliedBy(2);
        Duration cycle = pollInterval.compareTo(poll) >= 0 ? pollInterval : poll;
        return cycle.multipliedBy(2).plus(poll);
    }

    @Override
    public void onChange(Consumer<Revocation> listener) {
        listeners.add(listener);
    }

    static String encode(Revocation r) {
        return json.createObjectNode().put("kind", r.kind().wireName()).put("value", r.value())
                .put("at", r.at().toString()).put("by", r.by()).toString();
    }

    static Revocation decode(String body) {
        try {
            JsonNode n = json.readTree(body);
            return new Revocation(RevocationKind.fromWire(n.get("kind").asString()), n.get("value").asString(),
                    Instant.parse(n.get("at").asString()), n.hasNonNull("by") ? n.get("by").asString() : null);
        } catch (RuntimeException e) {
            log.warn("ignoring an unreadable revocation entry");
            return null;
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.dispose();
        }
        redis.close();
    }

    private static void warnNotLoaded(Duration wait) {
        log.warn("revocation list not loaded from Redis after {}: routes that fail closed answer 503 until it is", wait);
    }
}
