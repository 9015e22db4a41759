package dev.tollgate.gateway.authn;

import dev.tollgate.gateway.route.RouteSecurity;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Proves who is calling, as the route requires: yields an {@link Authentication}, or fails with a
 * {@link dev.tollgate.gateway.problem.RequestRejectedException} (401/400, or 503 when a key source is down and the
 * route fails closed).
 */
public interface Authenticator {

    /**
     * Exchange attribute holding the {@link Authentication} as soon as the credentials are verified, before any
     * remaining check (DPoP replay) — so a request refused after that point is still logged with its principal.
     */
    String IDENTIFIED_ATTR = Authenticator.class.getName() + ".identified";

    Mono<Authentication> authenticate(ServerWebExchange exchange, RouteSecurity route);
}
