package dev.tollgate.gateway.authz;

import dev.tollgate.gateway.authn.Authentication;
import dev.tollgate.gateway.route.RouteSecurity;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.Authorizer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/** Turns an authenticated request into an {@link AccessRequest} and asks the tenant's policy. */
public class AuthorizationService {

    private final Authorizer authorizer;
    private final Clock clock;

    public AuthorizationService(Authorizer authorizer, Clock clock) {
        this.authorizer = authorizer;
        this.clock = clock;
    }

    public Mono<Authorization> authorize(ServerHttpRequest request, String routeId, RouteSecurity route,
                                         Authentication authentication) {
        AccessRequest access = accessRequest(request, routeId, route, authentication);
        return Mono.just(new Authorization(authorizer.authorize(access), "MISS", null));
    }

    AccessRequest accessRequest(ServerHttpRequest request, String routeId, RouteSecurity route,
                                Authentication authentication) {
        Map<String, String> query = new HashMap<>();
        request.getQueryParams().forEach((k, v) -> {
            if (!v.isEmpty() && v.get(0) != null) {
                query.put(k, v.get(0));
            }
        });
        return new AccessRequest(route.tenant(), authentication.principal(), request.getMethod().name(),
                request.getPath().pathWithinApplication().value(), Map.of(), query,
                Map.of("route", routeId == null ? "" : routeId), clock.instant());
    }
}
