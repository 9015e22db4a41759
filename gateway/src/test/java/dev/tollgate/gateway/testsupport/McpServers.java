package dev.tollgate.gateway.testsupport;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Real MCP servers behind the test gateway, built with the official MCP Java SDK on Jetty (loopback only): a
 * session-based Streamable HTTP server at {@code /mcp/weather} (answers as SSE streams) and a stateless one at
 * {@code /mcp/weather-json} (answers as JSON). Both offer three tools: {@code get_forecast}, {@code delete_city},
 * {@code admin_reset}. Every request they receive is remembered (its headers), so tests see what reached them.
 */
public final class McpServers {

    /** The headers of one request an MCP server received. */
    public record Received(String path, Map<String, String> headers) {
    }

    public static final List<String> TOOLS = List.of("get_forecast", "delete_city", "admin_reset");

    private final Server jetty;
    public final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    public McpServers() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");

        HttpServletStreamableServerTransportProvider streamable = HttpServletStreamableServerTransportProvider
                .builder().mcpEndpoint("/mcp/weather").build();
        McpServer.sync(streamable).serverInfo("weather", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(TOOLS.stream().map(name -> new McpServerFeatures.SyncToolSpecification(tool(name),
                        (exchange, call) -> result(call))).toList())
                .build();
        context.addServlet(new ServletHolder(streamable), "/mcp/weather");

        HttpServletStatelessServerTransport stateless = HttpServletStatelessServerTransport.builder()
                .messageEndpoint("/mcp/weather-json").build();
        McpServer.sync(stateless).serverInfo("weather-json", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(TOOLS.stream().map(name -> new McpStatelessServerFeatures.SyncToolSpecification(tool(name),
                        (ctx, call) -> result(call))).toList())
                .build();
        context.addServlet(new ServletHolder(stateless), "/mcp/weather-json");

        Filter recorder = (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            java.util.Collections.list(http.getHeaderNames()).forEach(n -> headers.put(n, http.getHeader(n)));
            received.add(new Received(http.getRequestURI(), headers));
            chain.doFilter(request, response);
        };
        context.addFilter(new FilterHolder(recorder), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    private static McpSchema.Tool tool(String name) {
        return McpSchema.Tool.builder().name(name).description("test tool " + name)
                .inputSchema(Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))
                .build();
    }

    private static McpSchema.CallToolResult result(McpSchema.CallToolRequest call) {
        return McpSchema.CallToolResult.builder().addTextContent(call.name() + " ran for "
                + call.arguments().getOrDefault("city", "?")).build();
    }
}
