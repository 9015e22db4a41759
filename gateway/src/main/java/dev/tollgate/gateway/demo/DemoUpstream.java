package dev.tollgate.gateway.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import dev.tollgate.gateway.problem.Json;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The demo's upstream API: answers every request with what it received, so the identity headers can be seen; and the
 * demo MCP server ({@link DemoMcpServer}) at {@code /mcp/weather}.
 */
public final class DemoUpstream {

    private DemoUpstream() {
    }

    public static DisposableServer start(int port) {
        return HttpServer.create().host("127.0.0.1").port(port)
                .handle((req, res) -> {
                    if (req.uri().startsWith(DemoMcpServer.PATH)) {
                        return DemoMcpServer.handle(req, res);
                    }
                    Map<String, String> headers = new TreeMap<>();
                    req.requestHeaders().forEach(h -> headers.put(h.getKey(), h.getValue()));
                    String body = "{\"upstream\":\"tollgate-demo\",\"method\":" + Json.quote(req.method().name())
                            + ",\"uri\":" + Json.quote(req.uri()) + ",\"headers\":{"
                            + headers.entrySet().stream().map(e -> Json.quote(e.getKey()) + ":" + Json.quote(e.getValue()))
                                    .collect(Collectors.joining(",")) + "}}\n";
                    return res.header("content-type", "application/json").sendString(Mono.just(body));
                })
                .bindNow();
    }
}
