package dev.tollgate.gateway.mcp;

import java.util.Map;

/**
 * The MCP list methods whose results Tollgate filters to what the caller may use, and how each item is named.
 * {@code resources/templates/list} is not filtered: a template names no resource, and every read is decided anyway.
 */
public final class McpLists {

    /** A list method: the member of its result holding the items, the item field naming each, the call it allows. */
    public record Kind(String member, String nameField, String callMethod) {
    }

    private static final Map<String, Kind> KINDS = Map.of(
            "tools/list", new Kind("tools", "name", "tools/call"),
            "prompts/list", new Kind("prompts", "name", "prompts/get"),
            "resources/list", new Kind("resources", "uri", "resources/read"));

    private McpLists() {
    }

    public static boolean isList(String method) {
        return KINDS.containsKey(method);
    }

    public static Kind kind(String method) {
        return KINDS.get(method);
    }

    /** Every kind, to recognise a list answer by its shape ({@code result.tools} and the like). */
    public static java.util.Collection<Kind> kinds() {
        return KINDS.values();
    }
}
