package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.identity.SvidIdentity;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.policy.SpiffeId;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.gateway.entities.EntityDirectories;
import dev.tollgate.gateway.entities.EntityEntry;
import dev.tollgate.gateway.entities.EntityKey;
import dev.tollgate.gateway.problem.Json;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.revocation.RevocationStore;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Principal;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API, on its own port: revoke and list, suspend / resume / offboard a tenant, reload policy, write and read
 * entity-store entries, answer AuthZEN evaluations. Callers
 * authenticate with an X.509-SVID (mTLS required) of a trust domain mapped to the admin tenant, and every call is
 * authorized by Tollgate's own policy engine (the admin tenant's policy, named actions such as
 * {@code revocations.create}) and recorded in the decision log.
 */
public final class AdminServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final JsonMapper json = JsonMapper.builder().build();
    /** Fits the largest AuthZEN batch (1,000 items of a few hundred bytes each). */
    private static final int MAX_BODY = 1024 * 1024;

    private final AdminSettings settings;
    private final X509ExtendedTrustManager trustManager;
    private final Supplier<TrustDomains> trustDomains;
    private final Function<AccessRequest, Decision> policy;
    private final Supplier<String> reloadPolicy;
    private final RevocationStore revocations;
    private final DecisionLog decisionLog;
    private final Clock clock;
    private volatile DisposableServer server;
    private final AuthZenEvaluations authzen;
    private final Supplier<String> transactionTokenJwks;
    private final EntityDirectories entities;
    private volatile PolicyRevisions revisions;
    private volatile dev.tollgate.gateway.ops.FleetRegistry fleet;

    public AdminServer(AdminSettings settings, X509ExtendedTrustManager trustManager,
                       Supplier<TrustDomains> trustDomains, Function<AccessRequest, Decision> policy,
                       Supplier<String> reloadPolicy, RevocationStore revocations, DecisionLog decisionLog, Clock clock,
                       Supplier<String> transactionTokenJwks, EntityDirectories entities) {
        this.transactionTokenJwks = transactionTokenJwks;
        this.entities = entities;
        this.settings = settings;
        this.trustManager = trustManager;
        this.trustDomains = trustDomains;
        this.policy = policy;
        this.reloadPolicy = reloadPolicy;
        this.revocations = revocations;
        this.decisionLog = decisionLog;
        this.clock = clock;
        AuthZenRequests.object(); // initialise its JSON mapper here, not on an event loop
        this.authzen = new AuthZenEvaluations(trustDomains, policy, settings.bindings(), clock,
                this::recordEvaluation, entities::complete);
    }

    /** Enables the shadow / activate / rollback calls. */
    public void policyRevisions(PolicyRevisions revisions) {
        this.revisions = revisions;
    }

    /** Enables {@code GET /fleet}. */
    public void fleet(dev.tollgate.gateway.ops.FleetRegistry fleet) {
        this.fleet = fleet;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            return;
        }
        var key = dev.tollgate.gateway.crypto.PemFiles.certifiedKey(settings.certificate(), settings.privateKey());
        server = HttpServer.create().host(settings.address()).port(settings.port())
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(key.key(), key.chain())
                        .configure(b -> b.trustManager(trustManager)
                        .clientAuth(ClientAuth.REQUIRE))))
                .route(r -> r
                        .get("/revocations", (req, res) -> handle(req, res, "revocations.list", this::list))
                        .post("/revocations", (req, res) -> handle(req, res, "revocations.create", this::create))
                        .post("/revocations/reseed", (req, res) -> handle(req, res, "revocations.reseed",
                                this::reseed))
                        .delete("/revocations/{kind}/{value}",
                                (req, res) -> handle(req, res, "revocations.delete", this::delete))
                        .post("/tenants/{tenant}/{operation}", (req, res) -> handle(req, res,
                                "tenants." + req.param("operation"), this::tenant))
                        .put("/entities/{tenant}/{kind}", (req, res) -> handle(req, res, "entities.write",
                                this::putEntity))
                        .post("/entities/{tenant}/import", (req, res) -> handle(req, res, "entities.write",
                                this::importEntities))
                        .get("/entities/{tenant}/{kind}", (req, res) -> handle(req, res, "entities.read",
                                this::getEntity))
                        .delete("/entities/{tenant}/{kind}", (req, res) -> handle(req, res, "entities.delete",
                                this::deleteEntity))
                        .get("/fleet", (req, res) -> handle(req, res, "fleet.read", this::fleetView))
                        .post("/policies/shadow", (req, res) -> handle(req, res, "policies.shadow", this::shadow))
                        .get("/policies/shadow", (req, res) -> handle(req, res, "policies.shadow",
                                this::shadowStatus))
                        .delete("/policies/shadow", (req, res) -> handle(req, res, "policies.shadow",
                                this::shadowStop))
                        .post("/policies/activate", (req, res) -> handle(req, res, "policies.activate",
                                this::activate))
                        .post("/policies/rollback", (req, res) -> handle(req, res, "policies.rollback",
                                this::rollback))
                        .post("/policies/reload", (req, res) -> handle(req, res, "policies.reload", this::reload))
                        .post("/policies/explain", (req, res) -> handle(req, res, "policies.explain", this::explain))
                        .post("/access/v1/evaluation", (req, res) -> handle(req, res, "authzen.evaluate",
                                this::evaluation))
                        .post("/access/v1/evaluations", (req, res) -> handle(req, res, "authzen.evaluate",
                                this::evaluations))
                        .get("/.well-known/authzen-configuration", (req, res) -> handle(req, res,
                                "authzen.evaluate", this::metadata))
                        // Public keys for upstreams verifying transaction tokens: any caller with a trusted SVID.
                        .get("/txn-token/jwks", (req, res) -> res.status(200)
                                .header("Content-Type", "application/jwk-set+json")
                                .header("Cache-Control", "max-age=300")
                                .sendString(Mono.fromSupplier(transactionTokenJwks)).then()))
                .bindNow();
        log.info("admin API listening on {}:{} (mTLS, admin tenant '{}')", settings.address(), server.port(),
                settings.tenant());
    }

    /** What one admin call answers. */
    private record Reply(int status, String body) {
    }

    /** Authenticates, authorizes, runs the operation, records the decision. */
    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, String action,
                              java.util.function.BiFunction<Call, String, Mono<Reply>> operation) {
        long start = System.nanoTime();
        String decisionId = DecisionIds.next();
        Principal principal = principal(req);
        String path = req.path().startsWith("/") ? req.path() : "/" + req.path();
        Call call = new Call(req, principal);
        Mono<Reply> reply;
        List<String> rules = List.of();
        String revision = null;
        if (principal == null) {
            reply = Mono.just(new Reply(401, problem(401, "admin.unauthenticated", "an admin X.509-SVID is required",
                    decisionId)));
        } else if (!settings.tenant().equals(principal.tenant())) {
            reply = Mono.just(new Reply(403, problem(403, "tenant.mismatch", "not an admin workload", decisionId)));
        } else {
            Decision d = policy.apply(new AccessRequest(settings.tenant(), principal, action, path, Map.of(),
                    Map.of(), Map.of("route", "admin"), clock.instant()));
            rules = d.decidingRules();
            revision = d.revision() == null ? null : d.revision().toString();
            reply = d.allowed()
                    ? req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .flatMap(body -> body.length() > MAX_BODY
                                    ? Mono.just(new Reply(413, problem(413, "admin.body-too-large",
                                            "request body too large", decisionId)))
                                    : operation.apply(call, body))
                            .onErrorResume(IllegalArgumentException.class, e -> Mono.just(new Reply(400,
                                    problem(400, "admin.bad-request", e.getMessage(), decisionId))))
                            .onErrorResume(e -> Mono.just(failed(action, e, decisionId)))
                    : Mono.just(new Reply(403, problem(403, "policy.denied",
                            "the admin policy does not allow this operation", decisionId)));
        }
        List<String> decidingRules = rules;
        String decidedRevision = revision;
        return reply.flatMap(r -> {
            String effect = r.status() < 300 ? "ALLOW" : r.status() >= 500 ? "ERROR" : "DENY";
            decisionLog.record(DecisionEvent.of(decisionId, clock.instant()).outcome(effect, r.status(), action)
                    .route("admin").tenant(settings.tenant())
                    .principal(principal == null ? null : principal.id(),
                            principal == null ? null : principal.trustDomain())
                    .request(req.method().name(), path).decidedBy(decidingRules, decidedRevision)
                    .credentials(principal == null ? List.of() : List.of("mtls"))
                    .latencyMicros((System.nanoTime() - start) / 1000)
                    .caller(principal == null ? null : principal.id()).build());
            res.status(r.status()).header("content-type", r.status() < 300 ? "application/json"
                            : "application/problem+json")
                    .header("X-Tollgate-Decision-Id", decisionId);
            String requestId = req.requestHeaders().get("X-Request-ID");
            if (requestId != null && requestId.length() <= 256 && requestId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                res.header("X-Request-ID", requestId); // AuthZEN 1.0 §10.1.3: echoed, so a PEP can correlate
            }
            return res.sendString(Mono.just(r.body())).then();
        });
    }

    /**
     * An operation that failed other than by bad input: a store that did not answer is a 503 the caller may retry,
     * named after the store; anything else is an internal error (500, logged with the decision id), never blamed on a
     * dependency.
     */
    private Reply failed(String action, Throwable e, String decisionId) {
        if (!dependencyFailed(e)) {
            log.error("admin call {} failed (decision {})", action, decisionId, e);
            return new Reply(500, problem(500, "admin.internal", "the request could not be completed", decisionId));
        }
        if (action.startsWith("revocations.") || action.startsWith("tenants.")) {
            return new Reply(503, problem(503, "dependency.revocations", "the revocation store is unavailable",
                    decisionId));
        }
        if (action.startsWith("fleet.")) {
            return new Reply(503, problem(503, "dependency.redis", "the fleet registry is unavailable", decisionId));
        }
        if (action.startsWith("entities.") || action.startsWith("authzen.")) {
            return new Reply(503, problem(503, "dependency.entities", "the entity store is unavailable",
                    decisionId));
        }
        return new Reply(503, problem(503, "dependency.unavailable", "a dependency is unavailable", decisionId));
    }

    /** Whether a store this call needed did not answer (every guarded call fails that way), anywhere in the causes. */
    private static boolean dependencyFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.tollgate.fallback.DependencyUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /** An authorized admin call. */
    private record Call(HttpServerRequest request, Principal principal) {
    }

    private Mono<Reply> list(Call call, String body) {
        String items = revocations.list().stream()
                .sorted(java.util.Comparator.comparing(Revocation::at))
                .map(r -> "{\"kind\":" + Json.quote(r.kind().wireName()) + ",\"value\":" + Json.quote(r.value())
                        + ",\"at\":" + Json.quote(r.at().toString()) + ",\"by\":" + Json.quote(r.by()) + "}")
                .collect(Collectors.joining(","));
        return Mono.just(new Reply(200, "{\"revocations\":[" + items + "]}"));
    }

    private Mono<Reply> create(Call call, String body) {
        JsonNode n;
        try {
            n = json.readTree(body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("body must be JSON: {\"kind\": ..., \"value\": ...}");
        }
        if (n == null || !n.hasNonNull("kind") || !n.hasNonNull("value")) {
            throw new IllegalArgumentException("body must be JSON: {\"kind\": ..., \"value\": ...}");
        }
        Revocation r = new Revocation(RevocationKind.fromWire(n.get("kind").asString()), n.get("value").asString(),
                clock.instant(), call.principal().id());
        return revocations.revoke(r).thenReturn(new Reply(201, "{\"revoked\":" + Json.quote(r.key()) + "}"));
    }

    /** Writes this instance's revocations back to the shared store as a new data set (after Redis lost them). */
    private Mono<Reply> reseed(Call call, String body) {
        int entries = revocations.list().size();
        return revocations.reseed().thenReturn(new Reply(200, "{\"reseeded\":" + entries + "}"));
    }

    private Mono<Reply> delete(Call call, String body) {
        RevocationKind kind = RevocationKind.fromWire(call.request().param("kind"));
        String value = java.net.URLDecoder.decode(call.request().param("value"), StandardCharsets.UTF_8);
        return revocations.lift(kind, value).thenReturn(new Reply(200, "{\"lifted\":"
                + Json.quote(Revocation.key(kind, value)) + "}"));
    }

    private Mono<Reply> tenant(Call call, String body) {
        String tenant = call.request().param("tenant");
        String operation = call.request().param("operation");
        Instant now = clock.instant();
        String by = call.principal().id();
        boolean offboarded = revocations.list().stream().anyMatch(r -> r.kind() == RevocationKind.TENANT_OFFBOARDED
                && r.value().equals(tenant));
        return switch (operation) {
            case "suspend" -> revocations.revoke(new Revocation(RevocationKind.TENANT_SUSPENDED, tenant, now, by))
                    .thenReturn(new Reply(200, "{\"tenant\":" + Json.quote(tenant) + ",\"state\":\"suspended\"}"));
            case "offboard" -> revocations.revoke(new Revocation(RevocationKind.TENANT_OFFBOARDED, tenant, now, by))
                    .thenReturn(new Reply(200, "{\"tenant\":" + Json.quote(tenant) + ",\"state\":\"offboarded\"}"));
            case "resume" -> offboarded
                    ? Mono.just(new Reply(409, "{\"tenant\":" + Json.quote(tenant)
                            + ",\"state\":\"offboarded\",\"detail\":\"an offboarded tenant cannot be resumed\"}"))
                    : revocations.lift(RevocationKind.TENANT_SUSPENDED, tenant)
                            .thenReturn(new Reply(200, "{\"tenant\":" + Json.quote(tenant)
                                    + ",\"state\":\"active\"}"));
            default -> throw new IllegalArgumentException("unknown tenant operation '" + operation
                    + "' (suspend, resume, offboard)");
        };
    }

    /** AuthZEN 1.0 access evaluation (§6); a tenant the PEP is not bound to is a 403. */
    private Mono<Reply> evaluation(Call call, String body) {
        try {
            return authzen.evaluation(body, call.principal().id()).map(out -> new Reply(200, out));
        } catch (TenantNotBoundException e) {
            return Mono.just(new Reply(403, problem(403, "authzen.tenant-not-bound", e.getMessage(), null)));
        }
    }

    /** AuthZEN 1.0 access evaluations (§7). */
    private Mono<Reply> evaluations(Call call, String body) {
        return authzen.evaluations(body, call.principal().id()).map(out -> new Reply(200, out));
    }

    /** Creates or replaces one entry: {@code {"id": ..., "issuer": ..., "groups": [...], "attributes": {...}}}. */
    private Mono<Reply> putEntity(Call call, String body) {
        String tenant = call.request().param("tenant");
        EntityEntry entry = entities.entry(tenant, call.request().param("kind"), AuthZenRequests.parse(body));
        return entities.store().put(tenant, entry).thenReturn(new Reply(200, entities.toJson(entry)));
    }

    /** Many entries at once: {@code {"principals": [...], "resources": [...]}}, every one checked before any is written. */
    private Mono<Reply> importEntities(Call call, String body) {
        String tenant = call.request().param("tenant");
        List<EntityEntry> all = entities.entries(tenant, AuthZenRequests.parse(body));
        return reactor.core.publisher.Flux.fromIterable(all).concatMap(e -> entities.store().put(tenant, e), 16)
                .then(Mono.just(new Reply(200, "{\"imported\":" + all.size() + "}")));
    }

    /** One entry, by {@code ?id=} (and {@code &issuer=} for a principal entry scoped to its issuer). */
    private Mono<Reply> getEntity(Call call, String body) {
        String tenant = call.request().param("tenant");
        EntityKey key = entities.key(tenant, call.request().param("kind"), call.request().uri());
        return entities.store().getAll(tenant, List.of(key)).map(found -> found.containsKey(key)
                ? new Reply(200, entities.toJson(found.get(key)))
                : new Reply(404, problem(404, "entities.not-found", "no such entry", null)));
    }

    private Mono<Reply> deleteEntity(Call call, String body) {
        String tenant = call.request().param("tenant");
        EntityKey key = entities.key(tenant, call.request().param("kind"), call.request().uri());
        return entities.store().remove(tenant, key).map(removed -> removed ? new Reply(200, "{\"removed\":true}")
                : new Reply(404, problem(404, "entities.not-found", "no such entry", null)));
    }

    /** One AuthZEN evaluation's decision-log line: who was asked about, the answer, and the PEP that asked. */
    private void recordEvaluation(String pep, AccessRequest access, Decision d, String reason, String error) {
        List<String> errors = error != null ? List.of(error) : d == null ? List.of()
                : d.errors().stream().map(e -> e.ruleId() + ": " + e.message()).toList();
        DecisionEvent.Builder event = DecisionEvent.of(DecisionIds.next(), clock.instant())
                .outcome(d != null && d.allowed() ? "ALLOW" : d == null ? "ERROR" : "DENY", null, reason)
                .route("authzen").errors(errors).caller(pep);
        if (access != null) {
            event.tenant(access.tenant()).principal(access.principal().id(), access.principal().trustDomain())
                    .request(access.action(), access.resource());
        }
        if (d != null) {
            event.decidedBy(d.decidingRules(), d.revision() == null ? null : d.revision().toString())
                    .latencyMicros(d.evaluationNanos() / 1000);
        }
        decisionLog.record(event.build());
    }

    /** PDP metadata (§9): where this PDP's endpoints are. The Search APIs are not offered, so not listed. */
    private Mono<Reply> metadata(Call call, String body) {
        String host = call.request().requestHeaders().get("Host");
        String base = "https://" + (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]-]+")
                ? settings.address() + ":" + server.port() : host);
        var out = AuthZenRequests.object();
        out.put("policy_decision_point", base);
        out.put("access_evaluation_endpoint", base + "/access/v1/evaluation");
        out.put("access_evaluations_endpoint", base + "/access/v1/evaluations");
        return Mono.just(new Reply(200, out.toString()));
    }

    /** Everything a decision returns, for a policy author: rules, errors, revision, attributes read, validity. */
    private Mono<Reply> explain(Call call, String body) {
        JsonNode request = AuthZenRequests.parse(body);
        Decision d = policy.apply(AuthZenRequests.toAccessRequest(null, request, trustDomains.get(), clock.instant()));
        var out = AuthZenRequests.object();
        out.put("allowed", d.allowed());
        d.decidingRules().forEach(out.putArray("deciding_rules")::add);
        var errors = out.putArray("errors");
        d.errors().forEach(e -> errors.addObject().put("rule", e.ruleId()).put("message", e.message()));
        out.put("revision", d.revision() == null ? null : d.revision().toString());
        d.attributesRead().forEach(out.putArray("attributes_read")::add);
        out.put("valid_until", d.validUntil() == null ? null : d.validUntil().toString());
        out.put("evaluation_ns", d.evaluationNanos());
        return Mono.just(new Reply(200, out.toString()));
    }

    /** {@code {"directory": ...}}: evaluate that policy beside the active one, with no effect. 422 if it does not load. */
    private Mono<Reply> shadow(Call call, String body) {
        String directory = directoryOf(body, true);
        return offLoop(() -> shadowJson(revisions().shadow(directory)));
    }

    private Mono<Reply> shadowStatus(Call call, String body) {
        return Mono.just(new Reply(200, shadowJson(revisions().status())));
    }

    private Mono<Reply> shadowStop(Call call, String body) {
        java.nio.file.Path stopped = revisions().stop();
        return Mono.just(stopped == null ? new Reply(404, problem(404, "policies.no-shadow", "nothing is shadowed",
                null)) : new Reply(200, "{\"stopped\":" + Json.quote(stopped.toString()) + "}"));
    }

    /** {@code {"directory": ...}}, or no body to activate the shadowed candidate. */
    private Mono<Reply> activate(Call call, String body) {
        String directory = directoryOf(body, false);
        return offLoop(() -> activeJson(revisions().activate(directory)));
    }

    private Mono<Reply> rollback(Call call, String body) {
        return offLoop(() -> activeJson(revisions().rollback()));
    }

    /** Which instance runs which revision, and whether the fleet has converged. */
    private Mono<Reply> fleetView(Call call, String body) {
        if (fleet == null) {
            throw new IllegalStateException("no fleet registry");
        }
        return fleet.view().map(v -> new Reply(200, dev.tollgate.gateway.ops.FleetRegistry.toJson(v)));
    }

    private PolicyRevisions revisions() {
        if (revisions == null) {
            throw new IllegalStateException("policy revisions are not managed here");
        }
        return revisions;
    }

    private static String directoryOf(String body, boolean required) {
        if (body.isBlank() && !required) {
            return null;
        }
        JsonNode n;
        try {
            n = json.readTree(body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("body must be {\"directory\": \"/path/to/policies\"}");
        }
        JsonNode d = n == null ? null : n.get("directory");
        if (d == null || !d.isString()) {
            throw new IllegalArgumentException("body must be {\"directory\": \"/path/to/policies\"}");
        }
        return d.asString();
    }

    /** Loading policy reads files: off the event loop. A policy that does not load is a 422 with its reason. */
    private Mono<Reply> offLoop(Supplier<String> work) {
        return Mono.fromCallable(() -> {
                    try {
                        return new Reply(200, work.get());
                    } catch (dev.tollgate.policy.PolicyLoadException e) {
                        return new Reply(422, problem(422, "policies.invalid", e.getMessage(), null));
                    } catch (IllegalStateException e) {
                        return new Reply(409, problem(409, "policies.conflict", e.getMessage(), null));
                    }
                })
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    }

    private static String shadowJson(dev.tollgate.gateway.authz.ShadowPolicy.Status s) {
        var out = AuthZenRequests.object();
        out.put("shadowing", s.shadowing());
        if (s.directory() != null) {
            out.put("directory", s.directory().toString());
        }
        var revisions = out.putObject("revisions");
        s.revisions().forEach((t, r) -> revisions.put(t, r.toString()));
        out.put("evaluations", s.evaluations());
        out.put("disagreements", s.disagreements());
        out.put("errors", s.errors());
        return out.toString();
    }

    private static String activeJson(dev.tollgate.policy.PolicyEngine engine) {
        var out = AuthZenRequests.object();
        out.put("directory", engine.directory().toString());
        var revisions = out.putObject("revisions");
        engine.revisions().forEach((t, r) -> revisions.put(t, r.toString()));
        return out.toString();
    }

    private Mono<Reply> reload(Call call, String body) {
        // Reading files is blocking: off the event loop. A refused change keeps the last good policy: 422.
        return Mono.fromCallable(() -> java.util.Optional.ofNullable(reloadPolicy.get()))
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .map(error -> error.isEmpty() ? new Reply(200, "{\"reloaded\":true}")
                        : new Reply(422, "{\"reloaded\":false,\"detail\":" + Json.quote(error.get()) + "}"));
    }

    private Principal principal(HttpServerRequest req) {
        Certificate[] peer = new Certificate[0];
        SslHandler ssl = ((reactor.netty.Connection) req).channel().pipeline().get(SslHandler.class);
        try {
            peer = ssl == null ? peer : ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
            return null;
        }
        SpiffeId id = SvidIdentity.of(leaf);
        TrustDomains.TrustDomain domain = trustDomains.get().get(id.trustDomain());
        return new Principal(id.toString(), id.trustDomain(), domain == null ? null : domain.tenant(), null,
                Map.of(), Set.of(CredentialKind.MTLS));
    }

    private static String problem(int status, String code, String detail, String decisionId) {
        return "{\"type\":\"about:blank\",\"status\":" + status + ",\"code\":" + Json.quote(code) + ",\"detail\":"
                + Json.quote(detail) + (decisionId == null ? "" : ",\"decision_id\":" + Json.quote(decisionId)) + "}";
    }

    @Override
    public void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null && !server.isDisposed();
    }
}
