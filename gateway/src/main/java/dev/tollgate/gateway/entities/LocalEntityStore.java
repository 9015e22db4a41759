package dev.tollgate.gateway.entities;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The entity directory in this process (no Redis configured): the admin API's writes reach this instance only and do
 * not survive a restart. Bounded: a write beyond {@code maxEntries} is refused.
 */
public final class LocalEntityStore implements EntityStore {

    private final Map<String, Map<EntityKey, EntityEntry>> tenants = new ConcurrentHashMap<>();
    private final long maxEntries;

    public LocalEntityStore(long maxEntries) {
        this.maxEntries = maxEntries;
    }

    @Override
    public Mono<Map<EntityKey, EntityEntry>> getAll(String tenant, List<EntityKey> keys) {
        return Mono.just(getAllIfPresent(tenant, keys).orElseThrow());
    }

    @Override
    public Optional<Map<EntityKey, EntityEntry>> getAllIfPresent(String tenant, List<EntityKey> keys) {
        Map<EntityKey, EntityEntry> entries = tenants.getOrDefault(tenant, Map.of());
        Map<EntityKey, EntityEntry> out = new HashMap<>();
        for (EntityKey k : keys) {
            EntityEntry e = entries.get(k);
            if (e != null) {
                out.put(k, e);
            }
        }
        return Optional.of(out);
    }

    @Override
    public Mono<Void> put(String tenant, EntityEntry entry) {
        return Mono.fromRunnable(() -> {
            Map<EntityKey, EntityEntry> entries = tenants.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
            if (!entries.containsKey(entry.key()) && size() >= maxEntries) {
                throw new IllegalStateException("the in-process entity store is full (" + maxEntries
                        + " entries; tollgate.entities.max-entries)");
            }
            entries.put(entry.key(), entry);
        });
    }

    @Override
    public Mono<Boolean> remove(String tenant, EntityKey key) {
        return Mono.fromSupplier(() -> tenants.getOrDefault(tenant, Map.of()).remove(key) != null);
    }

    private long size() {
        return tenants.values().stream().mapToLong(Map::size).sum();
    }
}
