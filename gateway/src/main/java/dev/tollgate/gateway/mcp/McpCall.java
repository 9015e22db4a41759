package dev.tollgate.gateway.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One JSON-RPC message of an MCP request, as policy sees it: its method is the action, what it names (a tool, a
 * prompt, a resource URI) is the resource under the route's {@link McpRoute#base() base}.
 *
 * @param id        the request id as sent (string or number), {@code null} for a notification or a response
 * @param method    the JSON-RPC method, or {@code null} for a response the client sends to a server request
 * @param collection {@code tools}, {@code prompts} or {@code resources} when the call names one of them, else
 *                  {@code null}
 * @param name      the tool or prompt name or resource URI the call names, or {@code null}
 * @param arguments a {@code tools/call}'s arguments or a {@code prompts/get}'s, for conditions ({@code mcp.arguments})
 */
public record McpCall(JsonNode id, String method, String collection, String name, Map<String, Object> arguments) {

    /** The action a client's response to a server request (sampling, elicitation, roots) is decided as. */
    public static final String RESPONSE_ACTION = "response";

    public McpCall {
        arguments = arguments == null ? Map.of() : arguments;
    }

    public boolean isRequest() {
        return id != null && method != null;
    }

    public String action() {
        return method == null ? RESPONSE_ACTION : method;
    }

    /** The policy resource: {@code <base>/tools/<name>} and the like, or the base for session-level methods. */
    public String resource(McpRoute route) {
        if (collection == null) {
            return route.base();
        }
        return route.base() + "/" + collection + "/" + dev.tollgate.policy.ResourcePattern.segment(name);
    }

    /** Whether the response to this request lists tools, prompts or resources and is filtered per item. */
    public boolean lists() {
        return isRequest() && McpLists.isList(method);
    }

    /** The {@code mcp} attributes a condition reads. */
    public Map<String, Object> context(boolean listing) {
        Map<String, Object> mcp = new LinkedHashMap<>(4);
        mcp.put("method", action());
        mcp.put("name", name == null ? "" : name);
        mcp.put("arguments", arguments);
        if (listing) {
            mcp.put("listing", true);
        }
        return mcp;
    }
}
