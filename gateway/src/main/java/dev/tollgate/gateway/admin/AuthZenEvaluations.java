package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.Decision;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The OpenID AuthZEN Authorization API 1.0 evaluation endpoints, apart from HTTP: a request body and the asking
 * enforcement point in, a response body out (once the entity store's entries, if any, are looked up), every evaluation
 * reported to an {@link Evidence} sink. The admin listener wraps it; benchmarks call it directly.
 */
public final class AuthZenEvaluations {

    static final int MAX_EVALUATIONS = 1000;

    /**
     * Where each evaluation's record goes (the decision log). {@code access} and {@code decision} are {@code null}
     * for a refused request; {@code reason} is a stable code, {@code error} the refusal's message.
     */
    @FunctionalInterface
    public interface Evidence {
        void record(String pep, AccessRequest access, Decision decision, String reason, String error);
    }

    private final Supplier<TrustDomains> trustDomains;
    private final Function<AccessRequest, Decision> policy;
    private final PdpBindings bindings;
    private final Clock clock;
    private final Evidence evidence;
    private final Function<AccessRequest, Mono<AccessRequest>> entities;

    public AuthZenEvaluations(Supplier<TrustDomains> trustDomains, Function<AccessRequest, Decision> policy,
                              PdpBindings bindings, Clock clock, Evidence evidence) {
        this(trustDomains, policy, bindings, clock, evidence, Mono::just);
    }

    /**
     * @param entities completes a request with its entity-store entries when its tenant keeps its directory there
     *                 (else returns it as it is); a failure is the PDP's error (503), never a deny
     */
    public AuthZenEvaluations(Supplier<TrustDomains> trustDomains, Function<AccessRequest, Decision> policy,
                              PdpBindings bindings, Clock clock, Evidence evidence,
                              Function<AccessRequest, Mono<AccessRequest>> entities) {
        this.entities = entities;
        this.trustDomains = trustDomains;
        this.policy = policy;
        this.bindings = bindings;
        this.clock = clock;
        this.evidence = evidence;
    }

    /**
     * Access evaluation (§6): {@code {"decision": bool, "context": {"reason_admin": ...}}}.
     *
     * @throws IllegalArgumentException a malformed request (400), never a decision
     * @throws TenantNotBoundException  a tenant the PEP is not bound to (403)
     */
    public Mono<String> evaluation(String body, String pep) {
        JsonNode request = AuthZenRequests.parse(body);
        AccessRequest access;
        try {
            access = AuthZenRequests.toAccessRequest(null, request, trustDomains.get(), clock.instant(), bindings,
                    pep);
        } catch (TenantNotBoundException e) {
            evidence.record(pep, null, null, "authzen.tenant-not-bound", e.getMessage());
            throw e;
        }
        return entities.apply(access).map(complete -> {
            Decision d = decide(pep, complete);
            var out = AuthZenRequests.object();
            out.put("decision", d.allowed());
            var reason = out.putObject("context").putObject("reason_admin");
            d.decidingRules().forEach(reason.putArray("deciding_rules")::add);
            if (d.revision() != null) {
                reason.put("revision", d.revision().toString());
            }
            return out.toString();
        });
    }

    /**
     * Access evaluations (§7): each item is the top-level defaults overridden by the item's members; the answer is
     * {@code {"evaluations": [{"decision": bool}, ...]}} in order, nothing more (interop runners compare it exactly).
     * A malformed or incomplete item is answered {@code false} and recorded with its reason.
     * {@code options.evaluations_semantic}: {@code execute_all} (default), {@code deny_on_first_deny} or
     * {@code permit_on_first_permit}, which stop after the first such answer (§7.1.2).
     *
     * @throws IllegalArgumentException a malformed request as a whole (400)
     */
    public Mono<String> evaluations(String body, String pep) {
        JsonNode request = AuthZenRequests.parse(body);
        String semantic = semantic(request);
        JsonNode items = request.path("evaluations");
        if (!items.isMissingNode() && !items.isArray()) {
            throw new IllegalArgumentException("evaluations must be an array");
        }
        if (items.size() > MAX_EVALUATIONS) {
            throw new IllegalArgumentException("at most " + MAX_EVALUATIONS + " evaluations per request");
        }
        // §7.1: no evaluations array behaves as a single evaluation.
        List<JsonNode[]> work = new ArrayList<>();
        if (items.isEmpty()) {
            work.add(new JsonNode[] {null, request});
        } else {
            items.forEach(item -> work.add(new JsonNode[] {request, item}));
        }
        return Flux.fromIterable(work)
                .concatMap(w -> evaluateItem(pep, w[0], w[1]), 0)
                .takeUntil(decision -> semantic.equals("deny_on_first_deny") && !decision
                        || semantic.equals("permit_on_first_permit") && decision)
                .collectList()
                .map(decisions -> {
                    var out = AuthZenRequests.object();
                    var results = out.putArray("evaluations");
                    decisions.forEach(d -> results.addObject().put("decision", d));
                    return out.toString();
                });
    }

    private static String semantic(JsonNode request) {
        JsonNode options = request.get("options");
        if (options == null || options.isNull()) {
            return "execute_all";
        }
        if (!options.isObject()) {
            throw new IllegalArgumentException("options must be a JSON object");
        }
        JsonNode s = options.get("evaluations_semantic");
        if (s == null || s.isNull()) {
            return "execute_all";
        }
        if (!s.isString() || !List.of("execute_all", "deny_on_first_deny", "permit_on_first_permit")
                .contains(s.asString())) {
            throw new IllegalArgumentException("options.evaluations_semantic must be execute_all, deny_on_first_deny"
                    + " or permit_on_first_permit");
        }
        return s.asString();
    }

    private Mono<Boolean> evaluateItem(String pep, JsonNode defaults, JsonNode item) {
        AccessRequest access;
        try {
            access = AuthZenRequests.toAccessRequest(defaults, item, trustDomains.get(), clock.instant(), bindings,
                    pep);
        } catch (TenantNotBoundException e) {
            evidence.record(pep, null, null, "authzen.tenant-not-bound", e.getMessage());
            return Mono.just(false);
        } catch (IllegalArgumentException e) {
            evidence.record(pep, null, null, "admin.bad-request", e.getMessage());
            return Mono.just(false);
        }
        return entities.apply(access).map(complete -> decide(pep, complete).allowed());
    }

    private Decision decide(String pep, AccessRequest access) {
        Decision d = policy.apply(access);
        evidence.record(pep, access, d, d.allowed() ? "policy.permit" : "policy.denied", null);
        return d;
    }
}
