package dev.tollgate.gateway.authz;

import java.util.Map;

/**
 * What a request asks to do when it is not simply its HTTP method on its path: on an MCP route, one JSON-RPC message
 * ({@code tools/call} on {@code /mcp/weather/tools/get_forecast}) with the attributes conditions read as {@code mcp.*}.
 */
public record Operation(String action, String resource, Map<String, Object> mcp) {
}
