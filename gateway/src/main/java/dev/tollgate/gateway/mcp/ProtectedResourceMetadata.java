package dev.tollgate.gateway.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
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

    private final Map<String, String> documents = new ConcurrentHashMap<>();

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
        documents.put(route.metadataPath(), d.toString());
    }

    /** The document for the request's path, or 404. */
    public Mono<ServerResponse> handle(ServerRequest request) {
        String document = documents.get(request.path());
        if (document == null) {
            return ServerResponse.notFound().build();
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "max-age=300").bodyValue(document);
    }
}
