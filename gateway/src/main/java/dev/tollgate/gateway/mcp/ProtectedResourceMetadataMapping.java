package dev.tollgate.gateway.mcp;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * Routes {@code GET} and {@code HEAD} of {@code /.well-known/oauth-protected-resource[/...]} to the
 * {@link ProtectedResourceMetadata} documents, ahead of the gateway's routes; every other request falls through to
 * them.
 * <p>
 * Why not a {@code RouterFunction}: its mapping builds a {@code ServerRequest} for every request the gateway serves
 * before testing the path, 0.5 µs of the unfiltered route's CPU per request in a JFR profile
 * (perf/results/profile-2026-12-03.md); this mapping compares a prefix and allocates nothing for a request it does not
 * serve.
 */
public final class ProtectedResourceMetadataMapping extends AbstractHandlerMapping {

    private final WebHandler handler;

    public ProtectedResourceMetadataMapping(ProtectedResourceMetadata metadata) {
        this.handler = metadata::write;
        // Before the gateway's route mapping (order 1): a route matching /** must not shadow the documents.
        setOrder(-1);
    }

    @Override
    protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpMethod method = request.getMethod();
        if ((method == HttpMethod.GET || method == HttpMethod.HEAD) && serves(request.getPath().value())) {
            return Mono.just(handler);
        }
        return Mono.empty();
    }

    /** The well-known path itself, or below it: not a longer name that merely starts the same way. */
    static boolean serves(String path) {
        String prefix = McpRoute.WELL_KNOWN;
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }
}
