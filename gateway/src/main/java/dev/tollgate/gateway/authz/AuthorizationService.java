package dev.tollgate.gateway.authz;

import dev.tollgate.fallback.FailureMode;
import dev.tollgate.fallback.FallbackTaken;
import dev.tollgate.gateway.authn.Authentication;
import dev.tollgate.gateway.entities.EntityKey;
import dev.tollgate.gateway.entities.EntityStore;
import dev.tollgate.gateway.entities.LocalEntityStore;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.revocation.RevocationCheck;
import dev.tollgate.gateway.revocation.RevocationStore;
import dev.tollgate.gateway.route.RouteSecurity;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Principal;
import dev.tollgate.policy.Revision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * Step 5 of a request: revocation first (checked before any cache), then the decision cache, then the tenant's policy
 * on a miss; the result is cached no longer than the credential, the policy's time window, or the configured TTL.
 * When the revocation view cannot be confirmed current, the route's failure mode decides.
 */
public class AuthorizationService {

    /** What authorization needs from the policy engine: decisions and the current revision of a tenant's policy. */
    public interface Policies {
        Decision authorize(AccessRequest request);

        Optional<Revision> revision(String tenant);

        /** The tenant keeps its entity directory in the entity store: each request's entries are looked up first. */
        default boolean servesDirectory(String tenant) {
            return false;
        }
    }

    private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of("authorization",
            "proxy-authorization", "dpop", "cookie");

    private final Policies policies;
    private final DecisionCache cache;
    private final RevocationStore revocations;
    private final Duration cacheTtl;
    private final Clock clock;
    private final EntityStore entities;
    private volatile ShadowPolicy shadow;

    public AuthorizationService(Policies policies, DecisionCache cache, RevocationStore revocations,
                                Duration cacheTtl, Clock clock) {
        this(policies, cache, revocations, cacheTtl, clock, new LocalEntityStore(0));
    }

    public AuthorizationService(Policies policies, DecisionCache cache, RevocationStore revocations,
                                Duration cacheTtl, Clock clock, EntityStore entities) {
        this.entities = entities;
        this.policies = policies;
        this.cache = cache;
        this.revocations = revocations;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    public Mono<Authorization> authorize(ServerHttpRequest request, String routeId, RouteSecurity route,
                                         Authentication authentication) {
        return authorize(request, routeId, route, authentication, null);
    }

    /** Decides {@code operation} ({@code null}: the request's method on its path). */
    public Mono<Authorization> authorize(ServerHttpRequest request, String routeId, RouteSecurity route,
                                         Authentication authentication, Operation operation) {
        Principal principal = authentication.principal();
        String method = request.getMethod().name();
        FallbackTaken taken = checkRevocation(route, authentication, method);
        AccessRequest access = accessRequest(request, routeId, route, authentication, operation);
        if (!policies.servesDirectory(route.tenant())) {
            return decide(access, route, authentication, taken);
        }
        // The tenant's directory is in the entity store: its entries for this request first. Without them there is
        // no decision to make (nor a deny to give): the request is refused as unavailable, like any dependency's.
        return entities.lookup(route.tenant(), principal, access.resource())
                .onErrorMap(e -> !(e instanceof RequestRejectedException), e -> RequestRejectedException.unavailable(
                        "dependency.entities", "the entity directory cannot be read; try again shortly",
                        route.failureMode().retryAfter()))
                .flatMap(looked -> decide(access.withEntities(looked), route, authentication, taken));
    }

    /** Decides every request again with a candidate policy, with no effect on the answer ({@code null}: none). */
    public void shadowWith(ShadowPolicy shadow) {
        this.shadow = shadow;
    }

    private Mono<Authorization> decide(AccessRequest access, RouteSecurity route, Authentication authentication,
                                       FallbackTaken taken) {
        Mono<Authorization> decided = decideActive(access, route, authentication, taken);
        ShadowPolicy s = shadow;
        return s == null ? decided : decided.doOnNext(a -> s.compare(access,
                String.valueOf(access.context().getOrDefault("route", "")), a));
    }

    private Mono<Authorization> decideActive(AccessRequest access, RouteSecurity route, Authentication authentication,
                                             FallbackTaken taken) {
        Principal principal = access.principal();
        String revision = policies.revision(route.tenant()).map(Revision::toString).orElse("none");
        // Entries looked up from a store are part of what decided: a changed entry is a new key.
        String resource = access.entities() == null ? access.resource()
                : access.resource() + '\n' + DecisionCacheKey.entitiesDigest(access.entities());
        DecisionCacheKey key = new DecisionCacheKey(route.tenant(), revision, principal.id(), principal.issuer(),
                principal.tenant(), principal.actors(), access.action(), resource);
        Function<String, String> attributes = name -> RequestAttributes.valueOf(access, name);
        String failureMode = taken == null ? null : taken.describe();
        boolean degraded = taken != null && taken.degraded();
        return cache.get(key, attributes)
                .map(hit -> new Authorization(hit.decision().allowed(), hit.decision().decidingRules(),
                        hit.decision().revision(), hit.tier(), failureMode, degraded, List.of()))
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    Decision d = policies.authorize(access);
                    String decidedRevision = d.revision() == null ? revision : d.revision().toString();
                    cacheIfReusable(key, d, decidedRevision, access, authentication);
                    return new Authorization(d.allowed(), d.decidingRules(), decidedRevision, "MISS", failureMode,
                            degraded, d.errors().stream().map(e -> e.ruleId() + ": " + e.message()).toList());
                }));
    }

    /**
     * Revoked → 403. A view that cannot be confirmed current → the route's failure mode: fail closed (503), or a
     * degrade that allows serving stale decisions, within its bound and its narrowing rules.
     */
    private FallbackTaken checkRevocation(RouteSecurity route, Authentication a, String method) {
        Principal p = a.principal();
        RevocationCheck check = revocations.check(p.id(), p.tenant(), a.tokenId(), a.jti(), a.jkt());
        if (!check.revoked() && !route.tenant().equals(p.tenant())) {
            check = revocations.check(null, route.tenant(), null, null, null);
        }
        // Revoking a workload also stops it acting for anyone: every actor of a delegated call is checked.
        for (int i = 0; i < p.actors().size() && !check.revoked(); i++) {
            check = revocations.check(p.actors().get(i), null, null, null, null);
        }
        if (check.revoked()) {
            String kind = check.revokedBy().substring(0, check.revokedBy().indexOf(':'));
            throw RequestRejectedException.forbidden("revoked." + kind,
                    kind.startsWith("tenant") ? "the tenant is not active" : "the credential or workload is revoked",
                    List.of());
        }
        if (check.staleMillis() == 0) {
            return null;
        }
        FailureMode mode = route.failureMode();
        if (mode instanceof FailureMode.Degrade d && d.serveStaleDecisions() != null
                && check.staleMillis() <= d.serveStaleDecisions().toMillis() && d.admits(method, p.id())) {
            return new FallbackTaken("revocations", null, "served-stale-decision");
        }
        throw RequestRejectedException.unavailable("dependency.revocations",
                "the revocation list cannot be confirmed current; try again shortly", mode.retryAfter());
    }

    private void cacheIfReusable(DecisionCacheKey key, Decision d, String revision, AccessRequest access,
                                 Authentication authentication) {
        Instant now = clock.instant();
        Instant expires = now.plus(cacheTtl);
        if (d.validUntil() != null && d.validUntil().isBefore(expires)) {
            expires = d.validUntil();
        }
        if (authentication.credentialExpiry() != null && authentication.credentialExpiry().isBefore(expires)) {
            expires = authentication.credentialExpiry();
        }
        if (!d.errors().isEmpty() || !expires.isAfter(now) || d.attributesRead().contains("mcp.arguments")) {
            return;
        }
        Map<String, String> attributes = new HashMap<>();
        d.attributesRead().forEach(name -> attributes.put(name, RequestAttributes.valueOf(access, name)));
        cache.put(key, new CachedDecision(d.allowed(), d.decidingRules(), revision, attributes, now, expires));
    }

    /**
     * Whether the caller may use what a list response names: the tenant's policy alone (the request itself has already
     * been authorized, revocation included), never cached. Synchronous and in-process.
     */
    public boolean mayUse(ServerHttpRequest request, String routeId, RouteSecurity route,
                          Authentication authentication, Operation operation) {
        AccessRequest access = accessRequest(request, routeId, route, authentication, operation);
        if (policies.servesDirectory(route.tenant())) {
            // Only what is held locally (the principal's entries were just looked up for the request itself); an
            // entry not held reads as absent here. A listing only advises: every call is decided in full.
            Principal p = access.principal();
            List<EntityKey> principalKeys = EntityStore.keysFor(p, access.resource());
            var held = entities.getAllIfPresent(route.tenant(), principalKeys.subList(0, principalKeys.size() - 1));
            if (held.isEmpty()) {
                return false;
            }
            var withResource = new HashMap<>(held.get());
            entities.getAllIfPresent(route.tenant(), principalKeys.subList(principalKeys.size() - 1,
                    principalKeys.size())).ifPresent(withResource::putAll);
            access = access.withEntities(EntityStore.entitiesOf(p, access.resource(), withResource));
        }
        return policies.authorize(access).allowed();
    }

    AccessRequest accessRequest(ServerHttpRequest request, String routeId, RouteSecurity route,
                                Authentication authentication) {
        return accessRequest(request, routeId, route, authentication, null);
    }

    AccessRequest accessRequest(ServerHttpRequest request, String routeId, RouteSecurity route,
                                Authentication authentication, Operation operation) {
        // Only what every server reads the same way; credentials never (UnambiguousParameters).
        Map<String, String> query = UnambiguousParameters.query(request.getURI().getRawQuery());
        Map<String, String> headers = UnambiguousParameters.headers(request.getHeaders(), CREDENTIAL_HEADERS);
        String routeName = routeId == null ? "" : routeId;
        if (operation != null) {
            return new AccessRequest(route.tenant(), authentication.principal(), operation.action(),
                    operation.resource(), headers, query, Map.of("route", routeName, "mcp", operation.mcp()),
                    clock.instant());
        }
        return new AccessRequest(route.tenant(), authentication.principal(), request.getMethod().name(),
                request.getPath().pathWithinApplication().value(), headers, query, Map.of("route", routeName),
                clock.instant());
    }
}
