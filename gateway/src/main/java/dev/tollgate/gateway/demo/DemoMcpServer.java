package dev.tollgate.gateway.demo;

import java.util.List;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo's MCP server at {@code /mcp/weather} (Streamable HTTP, JSON answers, no sessions): three tools, of which
 * acme's policy lets the checkout workload list and call one ({@code get_forecast}), forbids one ({@code delete_city})
 * and never mentions the third ({@code admin_reset}). It is deliberately naive — it trusts whoever reaches it — so the
 * demo shows what Tollgate decides in front of it. The MCP tests use the official SDK's servers instead.
 */
final class DemoMcpServer {

    static final String PATH = "/mcp/weather";
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final List<String> TOOLS = List.of("get_forecast", "delete_city", "admin_reset");

    private DemoMcpServer() {
    }

    static Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            JsonNode message = json.readTree(body.isEmpty() ? "{}" : body);
            if (!message.has("id")) {
                return res.status(202).send();
            }
            ObjectNode answer = json.createObjectNode().put("jsonrpc", "2.0");
            answer.set("id", message.get("id"));
            ObjectNode result = answer.putObject("result");
            String method = message.path("method").asString("");
            switch (method) {
                case "initialize" -> {
                    result.put("protocolVersion", message.path("params").path("protocolVersion")
                            .asString("2025-06-18"));
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "tollgate-demo-weather").put("version", "1");
                }
                case "tools/list" -> {
                    ArrayNode tools = result.putArray("tools");
                    TOOLS.forEach(t -> tools.addObject().put("name", t).put("description", "demo tool " + t)
                            .putObject("inputSchema").put("type", "object"));
                }
                case "tools/call" -> result.putArray("content").addObject().put("type", "text")
                        .put("text", message.path("params").path("name").asString("") + " ran for "
                                + message.path("params").path("arguments").path("city").asString("?")
                                + " (transaction token received: " + (req.requestHeaders().contains("Txn-Token"))
                                + ")");
                default -> { }
            }
            return res.header("content-type", "application/json").sendString(Mono.just(answer.toString())).then();
        });
    }
}
