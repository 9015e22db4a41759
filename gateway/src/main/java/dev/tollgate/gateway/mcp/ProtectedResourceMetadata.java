package dev.tollgate.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for every MCP route, at
 * {@code /.well-known/oauth-protected-resource<path of the resource>} on the gateway's listener — what an MCP client
 * reads (from the {@code resource_metadata} of a 401 challenge) to find the authorization server for the server
 * behind the route. Routes register when they are built.
 */
public final class ProtectedResourceMetadata {

    /** How a route's tokens must be presented, for the document's sender-constraint members. */
    public record Presentation(List<String> dpopAlgorithms, boolean dpopRequired, boolean certificateBound) {
    }

    private static final JsonMapper json = JsonMapper.builder().build();

    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();

    public void register(McpRoute route, Presentation presentation) {
        if (route.resource() == null) {
            return;
        }
        ObjectNode d = json.createObjectNode();
        d.put("resource", route.resource().toString());
        route.authorizationServers().forEach(d.putArray("authorization_servers")::add);
        if (!route.scopesSupported().isEmpty()) {
            route.scopesSupported().forEach(d.putArray("scopes_supported")::add);
        }
        d.putArray("bearer_methods_supported").add("header");
        d.put("resource_name", route.server());
        if (presentation.certificateBound()) {
            d.put("tls_client_certificate_bound_access_tokens", true);
        }
        if (!presentation.dpopAlgorithms().isEmpty()) {
            presentation.dpopAlgorithms().forEach(d.putArray("dpop_signing_alg_values_supported")::add);
            d.put("dpop_bound_access_tokens_required", presentation.dpopRequired());
        }
        documents.put(route.metadataPath(), d.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with the document for the request's path, or 404 (see {@link ProtectedResourceMetadataMapping}). */
    Mono<Void> write(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        byte[] document = documents.get(exchange.getRequest().getPath().value());
        if (document == null) {
            response.setStatusCode(HttpStatus.NOT_FOUND);
            return response.setComplete();
        }
        response.setStatusCode(HttpStatus.OK);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setCacheControl("max-age=300");
        response.getHeaders().setContentLength(document.length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(document)));
    }
}
