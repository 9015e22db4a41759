package dev.tollgate.policy;

import java.util.List;
import java.util.Map;

/**
 * What a tenant's entity directory holds about one request's principal and resource, looked up by the caller before
 * the decision when the tenant keeps its directory in a store ({@code directory: store} in {@code entities.yaml})
 * rather than in the file. The engine reads only what the tenant's schema declares, and only values of the declared
 * type; a group the schema does not declare is never matched.
 *
 * @param principalGroups     the principal's groups (empty: none, or no entry)
 * @param principalAttributes the principal's attributes
 * @param resourceAttributes  the resource's attributes
 */
public record RequestEntities(List<String> principalGroups, Map<String, Object> principalAttributes,
                              Map<String, Object> resourceAttributes) {

    /** Neither the principal nor the resource has an entry. */
    public static final RequestEntities NONE = new RequestEntities(List.of(), Map.of(), Map.of());

    public RequestEntities {
        principalGroups = principalGroups == null ? List.of() : List.copyOf(principalGroups);
        principalAttributes = principalAttributes == null ? Map.of() : Map.copyOf(principalAttributes);
        resourceAttributes = resourceAttributes == null ? Map.of() : Map.copyOf(resourceAttributes);
    }
}
