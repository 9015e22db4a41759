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
        return route.base() + "/" + collection + "/" + segment(name);
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

    /**
     * {@code name} as exactly one path segment: every byte outside RFC 3986's unreserved set percent-encoded, and a
     * name of only dots encoded too, so no name can add, remove or climb segments of the resource path.
     */
    public static String segment(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean dotsOnly = name.chars().allMatch(c -> c == '.');
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            boolean unreserved = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_' || c == '~' || c == '.' && !dotsOnly;
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
