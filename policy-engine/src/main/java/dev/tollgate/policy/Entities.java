package dev.tollgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's entity data (Cedar's entities, OPA's data), from {@code <tenant>/entities.yaml}: the attributes and group
 * memberships of principals, the attributes of resources, and the declared types of both and of request properties
 * (AuthZEN {@code subject/resource/action.properties}). Part of the tenant's revision: it changes, and is reloaded,
 * atomically with the rules. Immutable.
 * <p>
 * A directory too large for a file is kept in a store instead ({@code directory: store}): the file then declares only
 * the schema, the caller looks up each request's entries ({@link RequestEntities}) and the engine reads them through a
 * per-request view ({@link #with}). Writes to such a store are checked against the same schema ({@link Schema#principal
 * (Map)}, {@link Schema#groups(java.util.List)}, {@link Schema#resource(Map)}).
 */
public final class Entities {

    /**
     * What may be said, and read by conditions: {@code principal.attrs.<name>}, {@code resource.attrs.<name>},
     * {@code subject|resource|action.properties.<name>}.
     */
    public record Schema(Map<String, AttributeType> principal, Map<String, AttributeType> resource,
                         Map<String, Map<String, AttributeType>> properties, Set<String> groups) {
        public Schema {
            principal = Map.copyOf(principal);
            resource = Map.copyOf(resource);
            properties = Map.copyOf(properties);
            groups = Set.copyOf(groups);
        }

        static final Schema EMPTY = new Schema(Map.of(), Map.of(), Map.of(), Set.of());

        /** A principal's attributes checked and typed by this schema; {@link IllegalArgumentException} says why not. */
        public Map<String, Object> principal(Map<String, ?> values) {
            return typed(values, principal, "principal");
        }

        /** A resource's attributes checked and typed by this schema. */
        public Map<String, Object> resource(Map<String, ?> values) {
            return typed(values, resource, "resource");
        }

        /** Group names, each declared under {@code schema.groups}. */
        public List<String> groups(List<?> names) {
            for (Object g : names) {
                if (!(g instanceof String s) || !groups.contains(s)) {
                    throw new IllegalArgumentException("group '" + g + "' is not declared under schema.groups");
                }
            }
            return names.stream().map(String.class::cast).distinct().toList();
        }

        private static Map<String, Object> typed(Map<String, ?> values, Map<String, AttributeType> types,
                                                 String kind) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            values.forEach((name, raw) -> {
                AttributeType type = types.get(name);
                if (type == null) {
                    String near = types.keySet().stream().filter(k -> Spelling.near(name, k)).findFirst()
                            .orElse(null);
                    throw new IllegalArgumentException(kind + " attribute '" + name + "' is not declared under schema."
                            + kind + (near == null ? "" : "; did you mean '" + near + "'?"));
                }
                Object value = type.coerce(raw);
                if (value == null) {
                    throw new IllegalArgumentException(kind + " attribute '" + name + "' must be a "
                            + type.name().toLowerCase(java.util.Locale.ROOT)
                            + (type == AttributeType.LIST ? " of strings" : ""));
                }
                out.put(name, value);
            });
            return Map.copyOf(out);
        }
    }

    /** One principal's entry; {@code issuer} scopes it to principals that issuer vouched for ({@code null}: any). */
    record PrincipalEntry(String id, String issuer, Map<String, Object> attributes, List<String> groups) {
    }

    static final Entities NONE = new Entities(Schema.EMPTY, Map.of(), Map.of(), false, null);

    private final Schema schema;
    private final Map<String, List<PrincipalEntry>> principals;
    private final Map<String, Map<String, Object>> resources;
    private final boolean served;
    /** A per-request view's entries ({@link #with}); {@code null} in the tenant's own, loaded, instance. */
    private final RequestEntities looked;

    Entities(Schema schema, Map<String, List<PrincipalEntry>> principals, Map<String, Map<String, Object>> resources) {
        this(schema, principals, resources, false, null);
    }

    private Entities(Schema schema, Map<String, List<PrincipalEntry>> principals,
                     Map<String, Map<String, Object>> resources, boolean served, RequestEntities looked) {
        this.schema = schema;
        this.principals = Map.copyOf(principals);
        this.resources = Map.copyOf(resources);
        this.served = served;
        this.looked = looked;
    }

    /** A directory kept in a store: the schema here, the entries looked up per request. */
    static Entities served(Schema schema) {
        return new Entities(schema, Map.of(), Map.of(), true, null);
    }

    public Schema schema() {
        return schema;
    }

    /** The entries live in a store and each request must bring its own ({@link AccessRequest#entities()}). */
    public boolean served() {
        return served;
    }

    /** This directory as one request sees it: a served directory answers from the request's looked-up entries. */
    Entities with(RequestEntities entries) {
        return served ? new Entities(schema, Map.of(), Map.of(), true, entries) : this;
    }

    boolean isEmpty() {
        return principals.isEmpty() && resources.isEmpty();
    }

    /** The declared groups (a matcher or an entry naming another is a load error; a group may be empty). */
    Set<String> groups() {
        return schema.groups();
    }

    /** The principal's entry: the one scoped to its issuer, else the unscoped one, else {@code null}. */
    PrincipalEntry entry(Principal p) {
        List<PrincipalEntry> entries = principals.get(p.id());
        if (entries == null) {
            return null;
        }
        PrincipalEntry unscoped = null;
        for (PrincipalEntry e : entries) {
            if (e.issuer() == null) {
                unscoped = e;
            } else if (e.issuer().equals(p.issuer())) {
                return e;
            }
        }
        return unscoped;
    }

    List<String> groupsOf(Principal p) {
        if (served) {
            return looked == null ? List.of() : looked.principalGroups();
        }
        PrincipalEntry e = entry(p);
        return e == null ? List.of() : e.groups();
    }

    Map<String, Object> attributesOf(Principal p) {
        if (served) {
            return looked == null ? Map.of() : looked.principalAttributes();
        }
        PrincipalEntry e = entry(p);
        return e == null ? Map.of() : e.attributes();
    }

    Map<String, Object> resourceAttributes(String resource) {
        if (served) {
            return looked == null ? Map.of() : looked.resourceAttributes();
        }
        Map<String, Object> a = resources.get(resource);
        return a == null ? Map.of() : a;
    }
}
