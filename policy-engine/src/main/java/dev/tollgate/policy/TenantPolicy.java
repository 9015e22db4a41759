package dev.tollgate.policy;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One tenant's policy set at one revision: its rules, the principals and resources it may speak about, and the index
 * that finds candidate rules. Immutable; a reload builds a new one.
 *
 * @param trustDomains      the tenant's own trust domains
 * @param issuers           the token issuers whose non-SPIFFE principals are the tenant's own
 * @param resourcePrefixes  the tenant's own resource path prefixes
 * @param errorsDeny        {@code on-error: deny}: any condition error denies the request
 */
public record TenantPolicy(String tenant, Revision revision, Set<String> trustDomains, Set<String> issuers,
                           List<String> resourcePrefixes, boolean errorsDeny, List<Rule> rules, RuleIndex index,
                           Entities entities) {

    static TenantPolicy of(String tenant, Revision revision, Set<String> trustDomains, Set<String> issuers,
                           List<String> resourcePrefixes, boolean errorsDeny, List<Rule> rules) {
        return of(tenant, revision, trustDomains, issuers, resourcePrefixes, errorsDeny, rules, Entities.NONE);
    }

    static TenantPolicy of(String tenant, Revision revision, Set<String> trustDomains, Set<String> issuers,
                           List<String> resourcePrefixes, boolean errorsDeny, List<Rule> rules, Entities entities) {
        return new TenantPolicy(tenant, revision, Set.copyOf(trustDomains), Set.copyOf(issuers),
                List.copyOf(resourcePrefixes), errorsDeny, List.copyOf(rules), new RuleIndex(rules), entities);
    }

    /**
     * The principal is the tenant's own: mapped to it, and vouched for by one of its trust domains or (a principal
     * that is not a SPIFFE ID) one of its issuers. The second half means a token issuer that may name tenants
     * ({@code tenant-claim}) cannot place its principals in a tenant that did not declare it.
     */
    boolean owns(Principal principal) {
        if (!tenant.equals(principal.tenant())) {
            return false;
        }
        String trustDomain = principal.trustDomain();
        if (trustDomain != null) {
            return trustDomains.contains(trustDomain);
        }
        return principal.issuer() != null && issuers.contains(principal.issuer());
    }

    /** Decides with the index. */
    Decision decide(AccessRequest request) {
        String[] path = ResourcePattern.split(request.resource());
        return decide(request, path, index.candidates(request.action(), path));
    }

    /** Decides by looking at every rule: the reference the indexed evaluation must agree with. */
    Decision decideUnindexed(AccessRequest request) {
        return decide(request, ResourcePattern.split(request.resource()), rules);
    }

    private Decision decide(AccessRequest request, String[] path, List<Rule> candidates) {
        long start = System.nanoTime();
        Instant now = request.time();
        Principal principal = request.principal();
        String malformed = malformedIdentity(principal.id());
        if (malformed != null) {
            // Whoever built this request let through an identity no pattern can reason about; never let it reach
            // the rules, where it could miss a forbid pattern and still meet a permit that names no principal.
            return new Decision(false, List.of(), List.of(new EvaluationError("principal", malformed)), revision,
                    System.nanoTime() - start, null, Set.of());
        }
        boolean owned = owns(principal);
        boolean listing = listing(request);
        // Created when first needed: most decisions meet one rule and no condition, and what a decision allocates is
        // what a 100,000-rule heap pays for in collections and fresh pages (perf/results/policy-engine.md).
        Set<String> permits = null;
        Set<String> forbids = null;
        List<EvaluationError> errors = null;
        Set<String> reads = null;
        Instant validUntil = null;
        Entities entities = this.entities;
        if (entities.served()) {
            if (request.entities() == null) {
                // Fail closed: rules that read the directory cannot be decided without its entries.
                return new Decision(false, List.of(), List.of(new EvaluationError("directory",
                        "the entity directory's entries were not looked up for this request")), revision,
                        System.nanoTime() - start, null, Set.of());
            }
            entities = entities.with(request.entities());
        }
        for (Rule rule : candidates) {
            if (!rule.matchesAction(request.action()) || !rule.principal().matches(principal, entities)
                    || !rule.matchesDelegation(principal)) {
                continue;
            }
            if (!owned && !rule.crossTenant()) {
                continue;
            }
            Map<String, String> captures = rule.resource().match(path, rule.condition() != null);
            if (captures == null) {
                continue;
            }
            if (rule.timeBound()) {
                validUntil = earliest(validUntil, nextChange(rule, now));
            }
            if (!rule.inTime(now)) {
                continue;
            }
            if (listing && rule.condition() != null && rule.condition().readsArguments()) {
                // Listing what the caller may use: some call with some arguments could be permitted, and a forbid
                // that depends on the arguments does not rule out every call. Calls themselves are decided in full.
                if (rule.effect() == Effect.PERMIT) {
                    permits = add(permits, rule.id());
                }
                continue;
            }
            if (rule.condition() != null) {
                if (reads == null) {
                    reads = new TreeSet<>();
                }
                reads.addAll(rule.condition().reads());
                try {
                    if (!rule.condition().evaluate(activation(request, captures, entities))) {
                        continue;
                    }
                } catch (RuntimeException e) {
                    if (errors == null) {
                        errors = new ArrayList<>(2);
                    }
                    errors.add(new EvaluationError(rule.id(), e.getMessage()));
                    continue;
                }
            }
            if (rule.effect() == Effect.PERMIT) {
                permits = add(permits, rule.id());
            } else {
                forbids = add(forbids, rule.id());
            }
        }
        boolean allowed = forbids == null && permits != null && !(errorsDeny && errors != null);
        Set<String> deciding = allowed ? permits : forbids;
        return new Decision(allowed, deciding == null ? List.of() : List.copyOf(deciding),
                errors == null ? List.of() : errors, revision, System.nanoTime() - start, validUntil, reads);
    }

    /** {@code ids} with {@code id} added, sorted (the deciding rules are reported in a stable order). */
    private static Set<String> add(Set<String> ids, String id) {
        Set<String> out = ids == null ? new TreeSet<>() : ids;
        out.add(id);
        return out;
    }

    /** An MCP listing question ({@code tools/list} filtered per tool) rather than one call. */
    private static boolean listing(AccessRequest request) {
        return request.context().get("mcp") instanceof Map<?, ?> mcp && Boolean.TRUE.equals(mcp.get("listing"));
    }

    /**
     * Why {@code id} cannot be a principal, or {@code null}: it is missing, or it claims to be a SPIFFE ID
     * ({@code spiffe:} in any case) without being a valid workload ID.
     */
    static String malformedIdentity(String id) {
        if (id == null || id.isEmpty()) {
            return "principal has no identity";
        }
        if (SpiffeId.looksLikeSpiffe(id) && !SpiffeId.isWorkload(id)) {
            try {
                SpiffeId.workload(id);
                return "principal is not a valid workload SPIFFE ID";
            } catch (IllegalArgumentException e) {
                return "principal is not a valid workload SPIFFE ID: " + e.getMessage();
            }
        }
        return null;
    }

    private static Instant nextChange(Rule rule, Instant now) {
        if (rule.condition() != null && rule.condition().readsTime()) {
            return now;
        }
        Instant next = null;
        if (rule.expires() != null && rule.expires().isAfter(now)) {
            next = rule.expires();
        }
        if (rule.schedule() != null) {
            next = earliest(next, rule.schedule().nextChange(now));
        }
        return next;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static Map<String, Object> activation(AccessRequest r, Map<String, String> captures, Entities entities) {
        Principal p = r.principal();
        Map<String, Object> a = new HashMap<>(32);
        a.put("principal.id", p.id());
        a.put("principal.trust_domain", p.trustDomain() == null ? "" : p.trustDomain());
        a.put("principal.tenant", p.tenant() == null ? "" : p.tenant());
        a.put("principal.issuer", p.issuer() == null ? "" : p.issuer());
        a.put("principal.claims", p.claims());
        a.put("principal.mtls", p.provenBy().contains(CredentialKind.MTLS));
        a.put("principal.dpop_bound", p.provenBy().contains(CredentialKind.DPOP));
        a.put("principal.cert_bound", p.provenBy().contains(CredentialKind.CERT_BOUND));
        a.put("principal.delegated", p.delegated());
        a.put("principal.actor", p.delegated() ? p.actor() : "");
        a.put("principal.actors", p.actors());
        a.put("request.method", r.action());
        a.put("request.path", r.resource());
        a.put("request.headers", r.headers());
        a.put("request.query", r.query());
        a.put("context.time", Timestamp.newBuilder().setSeconds(r.time().getEpochSecond())
                .setNanos(r.time().getNano()).build());
        a.put("context.route", String.valueOf(r.context().getOrDefault("route", "")));
        a.put("context.environment", String.valueOf(r.context().getOrDefault("environment", "")));
        Object task = r.context().get("task");
        a.put("context.task", task instanceof Map<?, ?> m ? m : Map.of());
        Map<?, ?> mcp = r.context().get("mcp") instanceof Map<?, ?> m ? m : Map.of();
        a.put("mcp.method", mcp.get("method") instanceof String s ? s : "");
        a.put("mcp.name", mcp.get("name") instanceof String s ? s : "");
        a.put("mcp.arguments", mcp.get("arguments") instanceof Map<?, ?> args ? args : Map.of());
        a.put("principal.groups", entities.groupsOf(p));
        Entities.Schema schema = entities.schema();
        if (!schema.principal().isEmpty()) {
            typed(a, "principal.attrs.", schema.principal(), entities.attributesOf(p));
        }
        if (!schema.resource().isEmpty()) {
            typed(a, "resource.attrs.", schema.resource(), entities.resourceAttributes(r.resource()));
        }
        if (!schema.properties().isEmpty()) {
            Map<?, ?> properties = r.context().get("properties") instanceof Map<?, ?> m ? m : Map.of();
            schema.properties().forEach((kind, types) -> typed(a, kind + ".properties.", types,
                    properties.get(kind) instanceof Map<?, ?> values ? values : Map.of()));
        }
        captures.forEach((k, v) -> a.put("resource." + k, v));
        return a;
    }

    /**
     * Declared attributes into the activation: a value of its type, the type's empty value when absent, nothing when
     * it has another type (a condition reading it then fails, and its rule does not apply).
     */
    private static void typed(Map<String, Object> a, String prefix, Map<String, AttributeType> types,
                              Map<?, ?> values) {
        types.forEach((name, type) -> {
            Object raw = values.get(name);
            Object value = raw == null ? type.empty() : type.coerce(raw);
            if (value != null) {
                a.put(prefix + name, value);
            }
        });
    }
}
