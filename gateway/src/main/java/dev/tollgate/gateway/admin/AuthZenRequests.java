package dev.tollgate.gateway.admin;

import dev.tollgate.policy.SpiffeId;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
import dev.tollgate.policy.ResourcePattern;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps the OpenID AuthZEN Authorization API 1.0 shapes onto the policy engine's {@link AccessRequest}:
 * {@code subject.id} is the principal, {@code action.name} the action, {@code resource.id} the resource path, and the
 * tenant comes from {@code resource.properties.tenant} (or the subject's trust domain).
 */
final class AuthZenRequests {

    private static final JsonMapper json = JsonMapper.builder().build();

    static {
        // Jackson builds its deserializers on first use under a lock; do it here, not on an event loop.
        json.readTree("{\"a\":[1]}");
        json.convertValue(json.readTree("{\"a\":{\"b\":1}}"), java.util.Map.class);
    }

    private AuthZenRequests() {
    }

    /**
     * One evaluation: the defaults of an evaluations request, overridden by the item's members. Shapes are checked as
     * AuthZEN 1.0 states them (§5: subject {@code type} and {@code id}, resource {@code type} and {@code id}, action
     * {@code name}, all strings; {@code properties} and {@code context} objects): anything else is refused with an
     * {@link IllegalArgumentException} — a malformed item is never evaluated as if it were the defaults.
     */
    static AccessRequest toAccessRequest(JsonNode defaults, JsonNode item, TrustDomains trustDomains, Instant now) {
        return toAccessRequest(defaults, item, trustDomains, now, null, null);
    }

    /**
     * As above, for an enforcement point: the request's tenant is its {@code resource.properties.tenant}, else the
     * subject's trust domain's, else the tenant of its {@code subject.type}, else the default; and it must be one the
     * PEP is bound to ({@link TenantNotBoundException} otherwise). Without bindings (explain), no such check.
     */
    static AccessRequest toAccessRequest(JsonNode defaults, JsonNode item, TrustDomains trustDomains, Instant now,
                                         PdpBindings bindings, String pep) {
        if (item == null || !item.isObject()) {
            throw new IllegalArgumentException("an evaluation must be a JSON object");
        }
        JsonNode subject = entity(item, defaults, "subject", "type", "id");
        JsonNode action = entity(item, defaults, "action", "name");
        JsonNode resource = entity(item, defaults, "resource", "type", "id");
        JsonNode context = pick(item, defaults, "context");
        if (context != null && !context.isObject()) {
            throw new IllegalArgumentException("context must be a JSON object");
        }
        String id = subject.get("id").asString();
        String trustDomain = null;
        if (SpiffeId.looksLikeSpiffe(id)) {
            // A subject that says spiffe: must be a workload's ID, as on every other way in (issue 12).
            try {
                trustDomain = SpiffeId.workload(id).trustDomain();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("subject.id is not a workload's SPIFFE ID: " + e.getMessage());
            }
        }
        JsonNode sp = properties(subject, "subject");
        String mapped = bindings == null ? null : bindings.tenantOfSubjectType(pep, subject.get("type").asString());
        String subjectTenant = sp.hasNonNull("tenant") ? text(sp, "tenant", "subject.properties")
                : trustDomain != null && trustDomains.get(trustDomain) != null ? trustDomains.get(trustDomain).tenant()
                : mapped;
        JsonNode rp = properties(resource, "resource");
        String tenant = rp.hasNonNull("tenant") ? text(rp, "tenant", "resource.properties") : subjectTenant;
        if (tenant == null) {
            throw new IllegalArgumentException("the request names no tenant: set resource.properties.tenant, or map"
                    + " subject type '" + subject.get("type").asString() + "' under tollgate.admin.authzen");
        }
        if (bindings != null && !bindings.tenantsOf(pep).contains(tenant)) {
            throw new TenantNotBoundException(tenant);
        }
        Set<CredentialKind> credentials = EnumSet.noneOf(CredentialKind.class);
        JsonNode creds = sp.path("credentials");
        if (!creds.isMissingNode() && !creds.isArray()) {
            throw new IllegalArgumentException("subject.properties.credentials must be an array");
        }
        for (JsonNode c : creds) {
            try {
                credentials.add(CredentialKind.valueOf(c.asString().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("subject.properties.credentials has an unknown credential");
            }
        }
        if (sp.has("claims") && !sp.get("claims").isObject()) {
            throw new IllegalArgumentException("subject.properties.claims must be a JSON object");
        }
        if (rp.has("headers") && !rp.get("headers").isObject()) {
            throw new IllegalArgumentException("resource.properties.headers must be a JSON object");
        }
        Map<String, Object> claims = sp.has("claims") ? json.convertValue(sp.get("claims"), Map.class) : Map.of();
        // A subject that is not a SPIFFE ID and names no issuer is vouched for by the PEP that asks about it, as a
        // subject of its type: "authzen:<type>". The tenant makes such subjects its own by listing that issuer.
        String issuer = sp.hasNonNull("issuer") ? text(sp, "issuer", "subject.properties")
                : trustDomain == null ? PEP_ISSUER + subject.get("type").asString() : null;
        Principal principal = new Principal(id, trustDomain, subjectTenant, issuer, claims, credentials);
        Map<String, String> headers = new HashMap<>();
        rp.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        Map<String, Object> ctx = new HashMap<>(context == null ? Map.of() : json.convertValue(context, Map.class));
        // Properties reach conditions as declared, typed attributes (entities.yaml schema.properties); set here,
        // after the client's context, so a context member cannot pose as them.
        ctx.remove("mcp"); // MCP attributes come from an MCP route's own reading of a call, never from a PEP's context
        ctx.put("properties", Map.of("subject", json.convertValue(sp, Map.class),
                "resource", json.convertValue(rp, Map.class),
                "action", json.convertValue(properties(action, "action"), Map.class)));
        return new AccessRequest(tenant, principal, action.get("name").asString(),
                resourcePath(resource.get("type").asString(), resource.get("id").asString()), headers, Map.of(), ctx,
                time(context, now));
    }

    /** The issuer of PEP-asserted subjects, followed by the subject type. */
    static final String PEP_ISSUER = "authzen:";

    /**
     * A resource's policy path: an id that is a path ({@code /api/acme/orders/42}) as it is; any other id under its
     * type, as one segment ({@code todo} {@code 7240d0db-...} → {@code /todo/7240d0db-...}), so an id can never climb
     * out of its type.
     */
    static String resourcePath(String type, String id) {
        return id.startsWith("/") ? id
                : "/" + ResourcePattern.segment(type) + "/" + ResourcePattern.segment(id);
    }

    /**
     * {@code context.time}, as RFC 3339 allows it — the spec's own example {@code 1985-10-26T01:22-07:00} has no
     * seconds — or now.
     */
    private static Instant time(JsonNode context, Instant now) {
        if (context == null || !context.has("time")) {
            return now;
        }
        JsonNode t = context.get("time");
        if (!t.isString()) {
            throw new IllegalArgumentException("context.time must be an RFC 3339 date-time string");
        }
        try {
            return java.time.OffsetDateTime.parse(t.asString(), java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("context.time must be an RFC 3339 date-time");
        }
    }

    /** A subject, resource or action: an object whose named members are non-empty strings. */
    private static JsonNode entity(JsonNode item, JsonNode defaults, String name, String... required) {
        JsonNode node = pick(item, defaults, name);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(name + " must be a JSON object");
        }
        for (String member : required) {
            JsonNode v = node.get(member);
            if (v == null || !v.isString() || v.asString().isEmpty()) {
                throw new IllegalArgumentException(name + "." + member + " is required and must be a string");
            }
        }
        return node;
    }

    private static JsonNode properties(JsonNode entity, String name) {
        JsonNode p = entity.get("properties");
        if (p == null || p.isNull()) {
            return json.createObjectNode();
        }
        if (!p.isObject()) {
            throw new IllegalArgumentException(name + ".properties must be a JSON object");
        }
        return p;
    }

    private static String text(JsonNode node, String member, String where) {
        JsonNode v = node.get(member);
        if (!v.isString()) {
            throw new IllegalArgumentException(where + "." + member + " must be a string");
        }
        return v.asString();
    }

    private static JsonNode pick(JsonNode item, JsonNode defaults, String name) {
        if (item != null && item.has(name)) {
            return item.get(name);
        }
        return defaults != null && defaults.has(name) ? defaults.get(name) : null;
    }

    static ObjectNode object() {
        return json.createObjectNode();
    }

    static JsonNode parse(String body) {
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return n;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
    }
}
