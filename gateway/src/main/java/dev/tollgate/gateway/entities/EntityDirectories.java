package dev.tollgate.gateway.entities;

import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.Entities;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tenants' store-served entity directories as the admin API and the PDP see them: which tenants keep their
 * directory in the store, entries read from JSON and checked against the tenant's current schema before they are
 * written, and requests completed with their entries before they are decided.
 */
public final class EntityDirectories {

    private static final JsonMapper json = JsonMapper.builder().build();
    /** Most entries one import may carry (its body is also bounded by the admin listener). */
    static final int MAX_IMPORT = 10_000;

    private final EntityStore store;
    private final Function<String, Optional<Entities.Schema>> schemas;

    /** @param schemas a tenant's schema when it keeps its directory in the store ({@code directory: store}) */
    public EntityDirectories(EntityStore store, Function<String, Optional<Entities.Schema>> schemas) {
        this.store = store;
        this.schemas = schemas;
    }

    public EntityStore store() {
        return store;
    }

    /** {@code request} with its entries looked up when its tenant keeps them in the store; else as it is. */
    public Mono<AccessRequest> complete(AccessRequest request) {
        if (schemas.apply(request.tenant()).isEmpty()) {
            return Mono.just(request);
        }
        return store.lookup(request.tenant(), request.principal(), request.resource()).map(request::withEntities);
    }

    /** One entry of {@code kind} ({@code principals} or {@code resources}) from its JSON, checked by the schema. */
    public EntityEntry entry(String tenant, String kind, JsonNode body) {
        return entry(schema(tenant), kind(kind), body);
    }

    /** An import's entries: {@code {"principals": [...], "resources": [...]}}, each checked, none listed twice. */
    public List<EntityEntry> entries(String tenant, JsonNode body) {
        Entities.Schema schema = schema(tenant);
        if (!body.isObject()) {
            throw new IllegalArgumentException("an import is {\"principals\": [...], \"resources\": [...]}");
        }
        List<EntityEntry> out = new ArrayList<>();
        Set<EntityKey> seen = new HashSet<>();
        for (var member : body.properties()) {
            EntityKey.Kind kind = kind(member.getKey());
            if (!member.getValue().isArray()) {
                throw new IllegalArgumentException(member.getKey() + " must be an array of entries");
            }
            for (JsonNode item : member.getValue()) {
                EntityEntry e = entry(schema, kind, item);
                if (!seen.add(e.key())) {
                    throw new IllegalArgumentException(member.getKey() + " lists '" + e.key().id() + "'"
                            + (e.key().issuer() == null ? "" : " of issuer " + e.key().issuer()) + " twice");
                }
                out.add(e);
                if (out.size() > MAX_IMPORT) {
                    throw new IllegalArgumentException("at most " + MAX_IMPORT + " entries per import");
                }
            }
        }
        return out;
    }

    /** The entry a {@code GET}/{@code DELETE} names: {@code ?id=...&issuer=...}. */
    public EntityKey key(String tenant, String kind, String uri) {
        schema(tenant);
        Map<String, String> query = new LinkedHashMap<>();
        String raw = URI.create(uri).getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!Set.of("id", "issuer").contains(name) || query.put(name, value) != null) {
                    throw new IllegalArgumentException("the query is ?id=...[&issuer=...], each once");
                }
            }
        }
        return key(kind(kind), query.get("id"), query.get("issuer"));
    }

    public String toJson(EntityEntry e) {
        ObjectNode n = json.createObjectNode();
        n.put("id", e.key().id());
        if (e.key().issuer() != null) {
            n.put("issuer", e.key().issuer());
        }
        if (e.key().kind() == EntityKey.Kind.PRINCIPAL) {
            var groups = n.putArray("groups");
            e.groups().forEach(groups::add);
        }
        n.set("attributes", json.valueToTree(new java.util.TreeMap<>(e.attributes())));
        return n.toString();
    }

    private Entities.Schema schema(String tenant) {
        return schemas.apply(tenant).orElseThrow(() -> new IllegalArgumentException("tenant '" + tenant
                + "' does not keep its entity directory in the store (its entities.yaml needs 'directory: store')"));
    }

    private static EntityKey.Kind kind(String plural) {
        for (EntityKey.Kind k : EntityKey.Kind.values()) {
            if (k.plural().equals(plural)) {
                return k;
            }
        }
        throw new IllegalArgumentException("'" + plural + "' is not an entry kind (principals, resources)");
    }

    private static EntityKey key(EntityKey.Kind kind, String id, String issuer) {
        if (id == null) {
            throw new IllegalArgumentException("'id' is required");
        }
        return kind == EntityKey.Kind.PRINCIPAL ? EntityKey.principal(id, issuer) : EntityKey.resource(id);
    }

    private static EntityEntry entry(Entities.Schema schema, EntityKey.Kind kind, JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("an entry is a JSON object");
        }
        Set<String> allowed = kind == EntityKey.Kind.PRINCIPAL ? Set.of("id", "issuer", "groups", "attributes")
                : Set.of("id", "attributes");
        for (String name : body.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown member '" + name + "' in a " + kind.name()
                        .toLowerCase(java.util.Locale.ROOT) + " entry (" + new java.util.TreeSet<>(allowed) + ")");
            }
        }
        EntityKey key = key(kind, text(body, "id"), text(body, "issuer"));
        JsonNode groups = body.path("groups");
        if (!groups.isMissingNode() && !groups.isArray()) {
            throw new IllegalArgumentException("'groups' must be an array of group names");
        }
        List<Object> names = new ArrayList<>();
        groups.forEach(g -> names.add(g.isString() ? g.asString() : g.toString()));
        JsonNode attributes = body.path("attributes");
        if (!attributes.isMissingNode() && !attributes.isObject()) {
            throw new IllegalArgumentException("'attributes' must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = attributes.isMissingNode() ? Map.of() : json.treeToValue(attributes, Map.class);
        return kind == EntityKey.Kind.PRINCIPAL
                ? new EntityEntry(key, schema.groups(names), schema.principal(values))
                : new EntityEntry(key, List.of(), schema.resource(values));
    }

    private static String text(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw new IllegalArgumentException("'" + name + "' must be a string");
        }
        return n.asString();
    }
}
