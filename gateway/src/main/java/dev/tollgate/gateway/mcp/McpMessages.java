package dev.tollgate.gateway.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an MCP POST body: one JSON-RPC 2.0 message or a batch, within the route's size, depth and batch bounds.
 * Anything that is not a well-formed message is refused as a whole ({@link McpRequestException}) — never forwarded,
 * never decided as something else.
 * <p>
 * What Tollgate decides must be what every server will read. So a member whose name only differs by case (or by
 * Unicode case folding: {@code ſ}, the Kelvin sign) from one Tollgate reads — {@code Method}, {@code Name} — is
 * refused: a server that matches names case-insensitively, last one winning, would run another call than the one
 * decided. Argument names are folded the same way for conditions, and two that fold alike are refused. Request ids
 * must be unique within a batch and, if numbers, exact in a double (|id| ≤ 2^53), so every answer maps back to one
 * request.
 */
public final class McpMessages {

    /** What a POST carried. */
    public record Parsed(List<McpCall> calls, boolean batch) {
    }

    private final JsonMapper json;
    private final McpRoute route;

    public McpMessages(McpRoute route) {
        this.route = route;
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(route.maxDepth()).maxDocumentLength(route.maxBodyBytes()).build()).build();
        this.json = JsonMapper.builder(factory)
                .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    public Parsed parse(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw McpRequestException.parseError("the body is not JSON within the route's limits");
        }
        if (root == null || root.isMissingNode()) {
            throw McpRequestException.parseError("the body is empty");
        }
        if (root.isArray()) {
            if (root.isEmpty() || root.size() > route.maxBatch()) {
                throw McpRequestException.invalidRequest(null, "a batch must hold 1 to " + route.maxBatch()
                        + " messages");
            }
            List<McpCall> calls = new ArrayList<>(root.size());
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (JsonNode m : root) {
                McpCall call = message(m);
                if (call.isRequest() && !ids.add(call.id().toString())) {
                    throw McpRequestException.invalidRequest(null, "request ids must be unique within a batch");
                }
                calls.add(call);
            }
            return new Parsed(List.copyOf(calls), true);
        }
        return new Parsed(List.of(message(root)), false);
    }

    private McpCall message(JsonNode m) {
        if (!m.isObject()) {
            throw McpRequestException.invalidRequest(null, "a JSON-RPC message must be an object");
        }
        JsonNode id = m.get("id");
        if (id != null && !(id.isString() || id.isIntegralNumber() && id.canConvertToLong()
                && Math.abs(id.longValue()) <= MAX_SAFE_ID)) {
            // MCP: "the ID MUST NOT be null"; JSON-RPC: a string or a number.
            throw McpRequestException.invalidRequest(null, "id must be a string or an integer within ±2^53");
        }
        noLookAlikes(m, ENVELOPE, id);
        if (!"2.0".equals(text(m.get("jsonrpc")))) {
            throw McpRequestException.invalidRequest(id, "jsonrpc must be \"2.0\"");
        }
        JsonNode methodNode = m.get("method");
        if (methodNode == null) {
            // A response to a request the server sent (sampling, elicitation, roots).
            if (id == null || m.has("result") == m.has("error")) {
                throw McpRequestException.invalidRequest(id, "a message needs a method, or an id and exactly one of"
                        + " result and error");
            }
            return new McpCall(id, null, null, null, null);
        }
        String method = text(methodNode);
        if (method == null || method.isEmpty() || method.length() > 128) {
            throw McpRequestException.invalidRequest(id, "method must be a non-empty string");
        }
        JsonNode params = m.get("params");
        if (params != null && !params.isObject()) {
            throw McpRequestException.invalidRequest(id, "params must be an object");
        }
        if (params != null) {
            noLookAlikes(params, PARAMS, id);
        }
        return switch (method) {
            case "tools/call" -> new McpCall(id, method, "tools", required(params, "name", id),
                    arguments(params, id));
            case "prompts/get" -> new McpCall(id, method, "prompts", required(params, "name", id),
                    arguments(params, id));
            case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                    new McpCall(id, method, "resources", required(params, "uri", id), null);
            case "completion/complete" -> completion(id, params);
            default -> new McpCall(id, method, null, null, null);
        };
    }

    /** A completion names the prompt or resource template it completes an argument of. */
    private McpCall completion(JsonNode id, JsonNode params) {
        JsonNode ref = params == null ? null : params.get("ref");
        if (ref != null && ref.isObject()) {
            noLookAlikes(ref, REF, id);
        }
        String type = ref == null ? null : text(ref.get("type"));
        if ("ref/prompt".equals(type)) {
            return new McpCall(id, "completion/complete", "prompts", required(ref, "name", id), null);
        }
        if ("ref/resource".equals(type)) {
            return new McpCall(id, "completion/complete", "resources", required(ref, "uri", id), null);
        }
        throw McpRequestException.invalidParams(id, "completion/complete needs a ref/prompt or ref/resource");
    }

    private static String required(JsonNode params, String field, JsonNode id) {
        String value = params == null ? null : text(params.get(field));
        if (value == null || value.isEmpty()) {
            throw McpRequestException.invalidParams(id, "params." + field + " must be a non-empty string");
        }
        return value;
    }

    private static Map<String, Object> arguments(JsonNode params, JsonNode id) {
        JsonNode args = params == null ? null : params.get("arguments");
        if (args == null || args.isNull()) {
            return Map.of();
        }
        if (!args.isObject()) {
            throw McpRequestException.invalidParams(id, "params.arguments must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) value(args, id);
        return out;
    }

    private static final long MAX_SAFE_ID = 1L << 53;
    private static final java.util.Set<String> ENVELOPE = java.util.Set.of("jsonrpc", "id", "method", "params",
            "result", "error");
    private static final java.util.Set<String> PARAMS = java.util.Set.of("name", "arguments", "uri", "ref", "_meta");
    private static final java.util.Set<String> REF = java.util.Set.of("type", "name", "uri");

    /** Simple case folding, as Go's {@code EqualFold} and .NET's case-insensitive matching see names. */
    static String fold(String name) {
        return name.toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT);
    }

    /** Refuses members that are not one of {@code known} but fold to one of them. */
    private static void noLookAlikes(JsonNode object, java.util.Set<String> known, JsonNode id) {
        for (String name : object.propertyNames()) {
            if (known.contains(name)) {
                continue;
            }
            String folded = fold(name);
            for (String k : known) {
                if (fold(k).equals(folded)) {
                    throw McpRequestException.invalidRequest(id, "member '" + k + "' is spelt in another case");
                }
            }
        }
    }

    /**
     * JSON as the values a CEL condition reads: objects as maps, arrays as lists, integers as {@code long} (larger ones
     * as {@code double}), strings, booleans. A JSON {@code null} is left out (CEL's {@code has()} then says absent).
     */
    static Object value(JsonNode n, JsonNode id) {
        if (n.isObject()) {
            // Names folded: a server that reads "City" as "city" must not see a value the condition did not.
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String name = fold(e.getKey());
                if (map.containsKey(name) || e.getValue().isNull() && map.containsKey(name)) {
                    throw McpRequestException.invalidParams(id, "two argument names differ only in case");
                }
                if (!e.getValue().isNull()) {
                    map.put(name, value(e.getValue(), id));
                } else {
                    map.put(name, null);
                }
            }
            map.values().removeIf(java.util.Objects::isNull);
            return map;
        }
        if (n.isArray()) {
            List<Object> list = new ArrayList<>(n.size());
            n.forEach(v -> {
                if (!v.isNull()) {
                    list.add(value(v, id));
                }
            });
            return list;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : (Object) n.doubleValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.asString();
    }

    private static String text(JsonNode n) {
        return n != null && n.isString() ? n.asString() : null;
    }
}
