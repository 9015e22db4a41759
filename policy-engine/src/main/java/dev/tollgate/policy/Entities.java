package dev.tollgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's entity data (Cedar's entities, OPA's data), from {@code <tenant>/entities.yaml}: the attributes and group
 * memberships of principals, the attributes of resources, and the declared types of both and of request properties
 * (AuthZEN {@code subject/resource/action.properties}). Part of the tenant's revision: it changes, and is reloaded,
 * atomically with the rules. Immutable.
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
    }

    /** One principal's entry; {@code issuer} scopes it to principals that issuer vouched for ({@code null}: any). */
    record PrincipalEntry(String id, String issuer, Map<String, Object> attributes, List<String> groups) {
    }

    static final Entities NONE = new Entities(Schema.EMPTY, Map.of(), Map.of());

    private final Schema schema;
    private final Map<String, List<PrincipalEntry>> principals;
    private final Map<String, Map<String, Object>> resources;

    Entities(Schema schema, Map<String, List<PrincipalEntry>> principals, Map<String, Map<String, Object>> resources) {
        this.schema = schema;
        this.principals = Map.copyOf(principals);
        this.resources = Map.copyOf(resources);
    }

    public Schema schema() {
        return schema;
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
        PrincipalEntry e = entry(p);
        return e == null ? List.of() : e.groups();
    }

    Map<String, Object> attributesOf(Principal p) {
        PrincipalEntry e = entry(p);
        return e == null ? Map.of() : e.attributes();
    }

    Map<String, Object> resourceAttributes(String resource) {
        Map<String, Object> a = resources.get(resource);
        return a == null ? Map.of() : a;
    }
}
