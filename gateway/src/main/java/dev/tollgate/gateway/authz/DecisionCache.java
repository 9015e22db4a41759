package dev.tollgate.gateway.authz;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.fallback.Dependency;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.support.ExpireAt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two tiers of decisions: in-process (Caffeine, bounded) and Redis (shared by every instance). A Redis failure is a
 * miss, never an error: policy is evaluated in-process anyway, so the shared tier only saves work.
 */
public final class DecisionCache {

    private static final Logger log = LoggerFactory.getLogger(DecisionCache.class);
    private static final JsonMapper json = JsonMapper.builder().build();

    static {
        // Jackson builds its (de)serializers on first use under a lock; do it here, not on an event loop.
        decode(encode(new CachedDecision(true, List.of("r"), "0", Map.of("a", "b"), Instant.EPOCH, Instant.EPOCH)));
    }

    /** Where a decision was found. */
    public record Hit(CachedDecision decision, String tier) {
    }

    private final Cache<DecisionCacheKey, CachedDecision> local;
    /** {@code max-entries: 0} turns the in-process tier off: not even a put that is evicted at once. */
    private final boolean localTier;
    private final RedisAccess redis;
    private final Dependency dependency;
    private final String prefix;
    private final Clock clock;

    public DecisionCache(long maxEntries, RedisAccess redis, Dependency dependency, String keyPrefix, Clock clock) {
        this.clock = clock;
        this.redis = redis;
        this.dependency = dependency;
        this.prefix = keyPrefix + "decision:";
        this.localTier = maxEntries > 0;
        // Maintenance (eviction, expiry) on the calling thread: on the request path a hand-off to the common pool
        // cost a thread wake-up and context switches per request, more than the maintenance itself.
        this.local = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run)
                .expireAfter(new ExpireAt<DecisionCacheKey, CachedDecision>(CachedDecision::expiresAt, clock))
                .recordStats()
                .build();
    }

    /** L1, then L2; empty on a miss (including a Redis failure or an entry whose attributes differ). */
    public Mono<Hit> get(DecisionCacheKey key, Function<String, String> attributes) {
        Instant now = clock.instant();
        CachedDecision l1 = localTier ? local.getIfPresent(key) : null;
        if (l1 != null && l1.expiresAt().isAfter(now) && l1.matches(attributes)) {
            return Mono.just(new Hit(l1, "L1"));
        }
        if (redis == null || !redis.connected()) {
            return Mono.empty();
        }
        return dependency.call(() -> redis.reactive().flatMap(r -> r.get(prefix + key.digest())))
                .map(DecisionCache::decode)
                .filter(d -> d.expiresAt().isAfter(clock.instant()) && d.matches(attributes))
                .doOnNext(d -> {
                    if (localTier) {
                        local.put(key, d);
                    }
                })
                .map(d -> new Hit(d, "L2"))
                .onErrorResume(e -> {
                    log.debug("decision cache L2 unavailable: {}", e.toString());
                    return Mono.empty();
                });
    }

    /** Stores in both tiers; the Redis write happens in the background and may fail silently (it is only a cache). */
    public void put(DecisionCacheKey key, CachedDecision decision) {
        long ttlMillis = Duration.between(clock.instant(), decision.expiresAt()).toMillis();
        if (ttlMillis <= 0) {
            return;
        }
        if (localTier) {
            local.put(key, decision);
        }
        if (redis != null && redis.connected()) {
            String body = encode(decision);
            dependency.call(() -> redis.reactive().flatMap(r -> r.psetex(prefix + key.digest(), ttlMillis, body)))
                    .subscribe(ok -> { }, e -> log.debug("decision cache L2 write failed: {}", e.toString()));
        }
    }

    /** Drops every in-process entry for this principal (revocation announced); the Redis tier is keyed by revision. */
    public void invalidatePrincipal(String principal) {
        local.asMap().keySet().removeIf(k -> k.principal().equals(principal));
    }

    public void invalidateTenant(String tenant) {
        local.asMap().keySet().removeIf(k -> k.tenant().equals(tenant));
    }

    public void invalidateAll() {
        local.invalidateAll();
    }

    /** The in-process tier, for its hit-ratio metrics ({@code cache.gets{cache=tollgate.decisions.l1}}). */
    public com.github.benmanes.caffeine.cache.Cache<?, ?> localCache() {
        return local;
    }

    public long localSize() {
        local.cleanUp();
        return local.estimatedSize();
    }

    /**
     * The Redis form of a decision. Bound as a record rather than read as a tree: an L2 hit decodes one of these per
     * request, and a tree of nodes cost more than the fields.
     */
    record Stored(Boolean allowed, List<String> rules, String revision, Map<String, String> attributes,
                  Long decidedAt, Long expiresAt) {
    }

    static String encode(CachedDecision d) {
        return json.writeValueAsString(new Stored(d.allowed(), d.decidingRules(), d.revision(), d.attributes(),
                d.decidedAt().toEpochMilli(), d.expiresAt().toEpochMilli()));
    }

    static CachedDecision decode(String body) {
        Stored s = json.readValue(body, Stored.class);
        // An entry missing a member is corrupt: a miss (decided afresh), never a default such as deny.
        if (s.allowed() == null || s.revision() == null || s.decidedAt() == null || s.expiresAt() == null) {
            throw new IllegalArgumentException("an incomplete stored decision");
        }
        return new CachedDecision(s.allowed(), s.rules() == null ? List.of() : s.rules(), s.revision(),
                s.attributes() == null ? Map.of() : s.attributes(), Instant.ofEpochMilli(s.decidedAt()),
                Instant.ofEpochMilli(s.expiresAt()));
    }
}
