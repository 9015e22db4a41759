package dev.tollgate.gateway.entities;

import dev.tollgate.policy.Principal;
import dev.tollgate.policy.RequestEntities;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The entity directory of tenants that keep it out of their policy files ({@code directory: store} in
 * {@code entities.yaml}): principals' groups and attributes, resources' attributes, written through the admin API and
 * looked up before each decision. In-process ({@link LocalEntityStore}) or in Redis, shared by the fleet
 * ({@link RedisEntityStore}).
 */
public interface EntityStore {

    /** The entries that exist among {@code keys} (absent keys are not in the map). */
    Mono<Map<EntityKey, EntityEntry>> getAll(String tenant, List<EntityKey> keys);

    /** Creates or replaces an entry (already checked against the tenant's schema). */
    Mono<Void> put(String tenant, EntityEntry entry);

    /** Removes an entry; whether there was one. */
    Mono<Boolean> remove(String tenant, EntityKey key);

    /**
     * What is known without asking anyone (a listing filter's synchronous question): the entries if every one of
     * {@code keys} is held locally, else empty.
     */
    Optional<Map<EntityKey, EntityEntry>> getAllIfPresent(String tenant, List<EntityKey> keys);

    /** The keys one request needs: the principal as vouched by its issuer, unscoped, and the resource. */
    static List<EntityKey> keysFor(Principal principal, String resource) {
        EntityKey unscoped = EntityKey.principal(principal.id(), null);
        EntityKey resourceKey = EntityKey.resource(resource.isEmpty() ? "/" : resource);
        return principal.issuer() == null ? List.of(unscoped, resourceKey)
                : List.of(EntityKey.principal(principal.id(), principal.issuer()), unscoped, resourceKey);
    }

    /** The request's view of what was found: the issuer-scoped principal entry wins over the unscoped one. */
    static RequestEntities entitiesOf(Principal principal, String resource, Map<EntityKey, EntityEntry> found) {
        List<EntityKey> keys = keysFor(principal, resource);
        EntityEntry p = null;
        for (int i = 0; i < keys.size() - 1 && p == null; i++) {
            p = found.get(keys.get(i));
        }
        EntityEntry r = found.get(keys.get(keys.size() - 1));
        return new RequestEntities(p == null ? List.of() : p.groups(), p == null ? Map.of() : p.attributes(),
                r == null ? Map.of() : r.attributes());
    }

    /** The entries for one request: both principal entries and the resource's, in one round trip. */
    default Mono<RequestEntities> lookup(String tenant, Principal principal, String resource) {
        return getAll(tenant, keysFor(principal, resource)).map(found -> entitiesOf(principal, resource, found));
    }
}
