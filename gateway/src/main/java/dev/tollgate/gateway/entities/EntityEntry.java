package dev.tollgate.gateway.entities;

import java.util.List;
import java.util.Map;

/**
 * One entry of a tenant's entity directory as the store holds it: a principal's groups and attributes, or a
 * resource's attributes (no groups). Checked against the tenant's schema when written; read through the same schema.
 */
public record EntityEntry(EntityKey key, List<String> groups, Map<String, Object> attributes) {

    public EntityEntry {
        groups = groups == null ? List.of() : List.copyOf(groups);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (key.kind() == EntityKey.Kind.RESOURCE && !groups.isEmpty()) {
            throw new IllegalArgumentException("a resource has no groups");
        }
    }
}
