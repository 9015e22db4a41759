package dev.tollgate.gateway.entities;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.fallback.Dependency;
import dev.tollgate.gateway.redis.RedisAccess;
import io.lettuce.core.KeyValue;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The entity directory in Redis, shared by every instance: one string key per entry,
 * {@code <prefix>{entities:<tenant>}:<sha-256 of the entry's key>} (the hash tag keeps one request's lookups in one
 * slot of a cluster, so they are one {@code MGET}), holding the entry as JSON.
 * <p>
 * Looked-up entries, found or absent, are kept in a bounded local cache for {@code ttl}; a write announces the entry
 * on {@code <prefix>entities} so every instance drops its copy at once. An announcement missed while disconnected is
 * covered by the TTL. Lookups go through the {@code redis} dependency (timeout, breaker): when Redis does not answer
 * and the entry is not held, the lookup fails and the route's request is refused as unavailable.
 */
public final class RedisEntityStore implements EntityStore {

    private static final Logger log = LoggerFactory.getLogger(RedisEntityStore.class);
    private static final JsonMapper json = JsonMapper.builder().build();
    /** The largest entry written (its JSON): generous for a directory entry, small beside a Redis value's limit. */
    static final int MAX_ENTRY_BYTES = 64 * 1024;

    static {
        json.readTree("{\"a\":[1],\"b\":{\"c\":true}}"); // build deserializers here, not on an event loop
    }

    private final RedisAccess redis;
    private final Dependency dependency;
    private final String prefix;
    private final String channel;
    private final AsyncCache<String, Optional<EntityEntry>> cache;

    public RedisEntityStore(RedisAccess redis, Dependency dependency, String keyPrefix, long maxCached,
                            Duration ttl) {
        this.redis = redis;
        this.dependency = dependency;
        this.prefix = keyPrefix;
        this.channel = keyPrefix + "entities";
        this.cache = Caffeine.newBuilder().maximumSize(maxCached).expireAfterWrite(ttl).buildAsync();
        redis.onPubSub(this::subscribe);
    }

    private void subscribe(StatefulRedisPubSubConnection<String, String> connection) {
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                if (channel.equals(ch)) {
                    cache.synchronous().invalidate(message);
                }
            }
        });
        connection.async().subscribe(channel);
    }

    /** The Redis key of an entry, which is also its name in the local cache and in announcements. */
    String redisKey(String tenant, EntityKey key) {
        return prefix + "{entities:" + tenant + "}:" + key.digest();
    }

    @Override
    public Mono<Map<EntityKey, EntityEntry>> getAll(String tenant, List<EntityKey> keys) {
        Map<String, EntityKey> byName = new LinkedHashMap<>();
        keys.forEach(k -> byName.put(redisKey(tenant, k), k));
        // Not cancelled when the caller goes away: other requests may be waiting on the same lookup.
        return Mono.fromFuture(() -> cache.getAll(byName.keySet(), (missing, executor) -> fetch(missing, byName)),
                        true)
                .map(found -> {
                    Map<EntityKey, EntityEntry> out = new HashMap<>();
                    found.forEach((name, entry) -> entry.ifPresent(e -> out.put(byName.get(name), e)));
                    return out;
                });
    }

    private CompletableFuture<Map<String, Optional<EntityEntry>>> fetch(Set<? extends String> missing,
                                                                        Map<String, EntityKey> byName) {
        String[] names = missing.toArray(String[]::new);
        return dependency.call(() -> redis.reactive().flatMap(r -> r.mget(names).collectList()))
                .map(values -> {
                    Map<String, Optional<EntityEntry>> out = new HashMap<>();
                    for (KeyValue<String, String> kv : values) {
                        out.put(kv.getKey(), kv.hasValue() ? Optional.ofNullable(parse(byName.get(kv.getKey()),
                                kv.getValue())) : Optional.empty());
                    }
                    return out;
                })
                .toFuture();
    }

    @Override
    public Optional<Map<EntityKey, EntityEntry>> getAllIfPresent(String tenant, List<EntityKey> keys) {
        Map<EntityKey, EntityEntry> out = new HashMap<>();
        for (EntityKey k : keys) {
            CompletableFuture<Optional<EntityEntry>> held = cache.getIfPresent(redisKey(tenant, k));
            if (held == null || !held.isDone() || held.isCompletedExceptionally()) {
                return Optional.empty();
            }
            held.join().ifPresent(e -> out.put(k, e));
        }
        return Optional.of(out);
    }

    @Override
    public Mono<Void> put(String tenant, EntityEntry entry) {
        String name = redisKey(tenant, entry.key());
        String value = write(entry);
        if (value.length() > MAX_ENTRY_BYTES) {
            return Mono.error(new IllegalArgumentException("an entry is at most " + MAX_ENTRY_BYTES + " bytes of JSON"));
        }
        return dependency.call(() -> redis.reactive().flatMap(r -> r.set(name, value).then(r.publish(channel, name))))
                .doOnSuccess(n -> cache.synchronous().invalidate(name))
                .then();
    }

    @Override
    public Mono<Boolean> remove(String tenant, EntityKey key) {
        String name = redisKey(tenant, key);
        return dependency.call(() -> redis.reactive().flatMap(r -> r.del(name)
                        .flatMap(n -> r.publish(channel, name).thenReturn(n > 0))))
                .doOnSuccess(n -> cache.synchronous().invalidate(name));
    }

    private static String write(EntityEntry entry) {
        ObjectNode n = json.createObjectNode();
        n.put("kind", entry.key().kind().name());
        n.put("id", entry.key().id());
        if (entry.key().issuer() != null) {
            n.put("issuer", entry.key().issuer());
        }
        var groups = n.putArray("groups");
        entry.groups().forEach(groups::add);
        n.set("attributes", json.valueToTree(new java.util.TreeMap<>(entry.attributes())));
        return n.toString();
    }

    /**
     * An entry as stored, or {@code null} (treated as absent, and logged) when it is not the entry of {@code key} or
     * not readable: the store is shared, and a value written by something else must not become a principal's groups.
     */
    private static EntityEntry parse(EntityKey key, String value) {
        try {
            JsonNode n = json.readTree(value);
            if (!key.kind().name().equals(n.path("kind").asString(null)) || !key.id().equals(n.path("id").asString(null))
                    || !java.util.Objects.equals(key.issuer(), n.path("issuer").asString(null))) {
                log.warn("entity store entry {} does not hold the entry it is named for; ignored", key.digest());
                return null;
            }
            List<String> groups = new ArrayList<>();
            n.path("groups").forEach(g -> groups.add(g.asString()));
            @SuppressWarnings("unchecked")
            Map<String, Object> attributes = json.treeToValue(n.path("attributes"), Map.class);
            return new EntityEntry(key, groups, attributes);
        } catch (RuntimeException e) {
            log.warn("entity store entry {} is unreadable; ignored: {}", key.digest(), e.toString());
            return null;
        }
    }
}
