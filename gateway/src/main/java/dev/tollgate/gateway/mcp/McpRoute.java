package dev.tollgate.gateway.mcp;

import java.net.URI;
import java.util.List;

/**
 * A route that fronts an MCP server (Streamable HTTP transport): Tollgate reads each JSON-RPC message and decides it
 * as an action on a resource of the tenant's policy, and speaks MCP's authorization profile at the edge.
 *
 * @param server               the server's name in policy: its resources are {@code /mcp/<server>} (the session:
 *                             initialize, ping, list methods, notifications), {@code /mcp/<server>/tools/<name>},
 *                             {@code /mcp/<server>/prompts/<name>} and {@code /mcp/<server>/resources/<uri>} (each
 *                             name percent-encoded into one path segment)
 * @param resource             the server's resource identifier (RFC 8707 / RFC 9728), e.g.
 *                             {@code https://api.example.com/mcp/weather}: a token's {@code aud} must contain it, so a
 *                             token minted for another MCP server is refused; {@code null} skips that check
 * @param authorizationServers advertised in the protected resource metadata
 * @param scopesSupported      advertised in the protected resource metadata (may be empty)
 * @param maxBodyBytes         a POST body larger than this is refused (413 is not used: JSON-RPC clients expect 400)
 * @param maxDepth             JSON nesting deeper than this is refused
 * @param maxBatch             a JSON-RPC batch of more messages than this is refused
 * @param maxListBytes         a list response (JSON, or one SSE event) larger than this is answered with an error
 */
public record McpRoute(String server, URI resource, List<String> authorizationServers, List<String> scopesSupported,
                       int maxBodyBytes, int maxDepth, int maxBatch, int maxListBytes) {

    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    public McpRoute {
        if (server == null || !server.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("Tollgate filter: mcp.server must be 1-63 of [a-z0-9._-] (it names the"
                    + " server's resources in policy: /mcp/<server>/tools/<name>)");
        }
        if (resource != null && (!resource.isAbsolute() || resource.getRawFragment() != null
                || resource.getHost() == null)) {
            throw new IllegalArgumentException("Tollgate filter: mcp.resource must be an absolute URI without a"
                    + " fragment (RFC 8707 section 2)");
        }
        authorizationServers = authorizationServers == null ? List.of() : List.copyOf(authorizationServers);
        scopesSupported = scopesSupported == null ? List.of() : List.copyOf(scopesSupported);
        positive("mcp.max-body", maxBodyBytes);
        positive("mcp.max-depth", maxDepth);
        positive("mcp.max-batch", maxBatch);
        positive("mcp.max-list-response", maxListBytes);
    }

    /** A limit of zero or less would refuse every message (or, read as "none", bound nothing): name the argument. */
    private static void positive(String argument, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Tollgate filter: " + argument + " must be more than 0, not " + value);
        }
    }

    /** Where the server's session-level actions are decided, and the root of its tools, prompts and resources. */
    public String base() {
        return "/mcp/" + server;
    }

    /** RFC 9728 section 3.1: the well-known segment goes between the host and the resource's path. */
    public String metadataPath() {
        String path = resource == null ? base() : resource.getRawPath();
        return WELL_KNOWN + (path == null || path.equals("/") ? "" : path);
    }

    /** The metadata document's URL ({@code resource_metadata} in challenges), or {@code null} without a resource. */
    public String metadataUrl() {
        if (resource == null) {
            return null;
        }
        return resource.getScheme() + "://" + resource.getRawAuthority() + metadataPath();
    }
}
