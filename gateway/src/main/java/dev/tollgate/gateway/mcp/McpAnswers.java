package dev.tollgate.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tollgate's answers on an MCP route, as MCP clients understand them (Streamable HTTP transport): a denied request is
 * a JSON-RPC error response to that request (HTTP 200), so the client's call fails and its session goes on; a POST
 * holding only notifications or responses that is refused gets an HTTP error with an id-less JSON-RPC error; a
 * malformed POST gets HTTP 400 with a JSON-RPC error. Messages are fixed strings: client input is never echoed.
 */
public final class McpAnswers {

    /** JSON-RPC error code for a call the tenant's policy does not allow (in the implementation-defined range). */
    public static final int FORBIDDEN = -32003;

    private static final JsonMapper json = JsonMapper.builder().build();

    private McpAnswers() {
    }

    /** A malformed POST: 400 and a JSON-RPC error. */
    public static Mono<Void> invalid(ServerHttpResponse response, McpRequestException e, String decisionId) {
        if (e.status() == 405) {
            response.getHeaders().set(HttpHeaders.ALLOW, "GET, POST, DELETE");
        }
        return write(response, HttpStatus.valueOf(e.status()), error(e.id(), e.code(), e.getMessage(), e.reason(),
                decisionId).toString());
    }

    /**
     * A POST with at least one denied message: nothing is forwarded (a batch is all or nothing); each request gets an
     * error saying whether it was denied or not run because another message was.
     */
    public static Mono<Void> denied(ServerHttpResponse response, McpMessages.Parsed parsed, List<Boolean> allowed,
                                    String decisionId) {
        ArrayNode answers = json.createArrayNode();
        for (int i = 0; i < parsed.calls().size(); i++) {
            McpCall call = parsed.calls().get(i);
            if (!call.isRequest()) {
                continue;
            }
            answers.add(allowed.get(i)
                    ? error(call.id(), FORBIDDEN, "not run: another message of this batch was denied",
                            "mcp.batch-denied", decisionId)
                    : error(call.id(), FORBIDDEN, "the tenant's policy does not allow this call", "policy.denied",
                            decisionId));
        }
        if (answers.isEmpty()) {
            return write(response, HttpStatus.FORBIDDEN, error(null, FORBIDDEN,
                    "the tenant's policy does not allow this message", "policy.denied", decisionId).toString());
        }
        return write(response, HttpStatus.OK, parsed.batch() ? answers.toString() : answers.get(0).toString());
    }

    static ObjectNode error(JsonNode id, int code, String message, String reason, String decisionId) {
        ObjectNode n = json.createObjectNode();
        n.put("jsonrpc", "2.0");
        if (id == null) {
            n.putNull("id");
        } else {
            n.set("id", id);
        }
        ObjectNode error = n.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode data = error.putObject("data");
        data.put("reason", reason);
        if (decisionId != null) {
            data.put("decision_id", decisionId);
        }
        return n;
    }

    private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String body) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
    }
}
