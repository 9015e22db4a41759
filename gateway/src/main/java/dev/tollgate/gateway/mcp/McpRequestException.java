package dev.tollgate.gateway.mcp;

import tools.jackson.databind.JsonNode;

/**
 * An MCP POST Tollgate will not forward: answered with HTTP 400 and a JSON-RPC error (JSON-RPC 2.0 section 5.1
 * codes), which MCP clients understand, instead of a problem document.
 */
public final class McpRequestException extends RuntimeException {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int INVALID_PARAMS = -32602;

    private final int code;
    private final JsonNode id;
    private final String reason;
    private final int status;

    private McpRequestException(int code, JsonNode id, String reason, String message) {
        this(code, id, reason, message, 400);
    }

    private McpRequestException(int code, JsonNode id, String reason, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.id = id;
        this.reason = reason;
        this.status = status;
    }

    /** The Streamable HTTP transport is GET, POST and DELETE; anything else is not decided, and not forwarded. */
    public static McpRequestException methodNotAllowed() {
        return new McpRequestException(INVALID_REQUEST, null, "mcp.method-not-allowed",
                "the MCP transport takes GET, POST and DELETE", 405);
    }

    /** The HTTP status of the answer: 400, or 405 for a method the transport does not have. */
    public int status() {
        return status;
    }

    static McpRequestException parseError(String message) {
        return new McpRequestException(PARSE_ERROR, null, "mcp.parse-error", message);
    }

    static McpRequestException invalidRequest(JsonNode id, String message) {
        return new McpRequestException(INVALID_REQUEST, id, "mcp.invalid-request", message);
    }

    static McpRequestException invalidParams(JsonNode id, String message) {
        return new McpRequestException(INVALID_PARAMS, id, "mcp.invalid-params", message);
    }

    /** The body was larger than the route allows. */
    public static McpRequestException tooLarge(int limit) {
        return new McpRequestException(INVALID_REQUEST, null, "mcp.too-large",
                "the request body is larger than " + limit + " bytes");
    }

    public int code() {
        return code;
    }

    public JsonNode id() {
        return id;
    }

    /** The decision log's reason code. */
    public String reason() {
        return reason;
    }
}
