package dev.tollgate.gateway.admin;

import dev.tollgate.policy.SpiffeId;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
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

    /** One evaluation: the defaults of an evaluations request, overridden by the item's members. */
    static AccessRequest toAccessRequest(JsonNode defaults, JsonNode item, TrustDomains trustDomains, Instant now) {
        JsonNode subject = pick(item, defaults, "subject");
        JsonNode action = pick(item, defaults, "action");
        JsonNode resource = pick(item, defaults, "resource");
        JsonNode context = pick(item, defaults, "context");
        if (subject == null || !subject.hasNonNull("id") || action == null || !action.hasNonNull("name")
                || resource == null || !resource.hasNonNull("id")) {
            throw new IllegalArgumentException("an evaluation needs subject.id, action.name and resource.id");
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
        JsonNode sp = subject.path("properties");
        String subjectTenant = sp.hasNonNull("tenant") ? sp.get("tenant").asString()
                : trustDomain == null || trustDomains.get(trustDomain) == null ? null
                : trustDomains.get(trustDomain).tenant();
        JsonNode rp = resource.path("properties");
        String tenant = rp.hasNonNull("tenant") ? rp.get("tenant").asString() : subjectTenant;
        if (tenant == null) {
            throw new IllegalArgumentException("resource.properties.tenant is required for this subject");
        }
        Set<CredentialKind> credentials = EnumSet.noneOf(CredentialKind.class);
        sp.path("credentials").valueStream().forEach(c -> credentials.add(
                CredentialKind.valueOf(c.asString().toUpperCase(Locale.ROOT).replace('-', '_'))));
        Map<String, Object> claims = sp.has("claims") ? json.convertValue(sp.get("claims"), Map.class) : Map.of();
        Principal principal = new Principal(id, trustDomain, subjectTenant, sp.path("issuer").asString(null),
                claims, credentials);
        Map<String, String> headers = new HashMap<>();
        rp.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        Map<String, Object> ctx = context == null ? Map.of() : json.convertValue(context, Map.class);
        Instant time = context != null && context.hasNonNull("time") ? Instant.parse(context.get("time").asString())
                : now;
        return new AccessRequest(tenant, principal, action.get("name").asString(), resource.get("id").asString(),
                headers, Map.of(), ctx, time);
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
