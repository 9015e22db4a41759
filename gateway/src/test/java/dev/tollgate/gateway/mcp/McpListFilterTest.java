package dev.tollgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;

/**
 * The list filter over what servers really send: SSE streams cut at every possible place, with LF, CRLF and CR line
 * endings, multi-line data, comments and events of other requests; JSON answers and batches. Only the answer to the
 * list request changes, and only by losing the items the caller may not use.
 */
class McpListFilterTest {

    private static final McpRoute ROUTE = new McpRoute("weather", null, null, null, 1 << 20, 32, 32, 1 << 16);
    private static final McpListFilter.MayUse ONLY_FORECAST = (kind, name) -> name.equals("get_forecast");

    private static McpMessages.Parsed listRequest(String id) {
        return new McpMessages(ROUTE).parse(("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String run(McpMessages.Parsed parsed, MediaType type, List<byte[]> chunks, boolean flushEach) {
        MockServerHttpResponse response = new MockServerHttpResponse();
        response.getHeaders().setContentType(type);
        McpListFilter filter = new McpListFilter(response, parsed, ONLY_FORECAST, 1 << 16);
        Flux<DataBuffer> body = Flux.fromIterable(chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
        if (flushEach) {
            filter.writeAndFlushWith(body.map(Flux::just)).block();
        } else {
            filter.writeWith(body).block();
        }
        return response.getBodyAsString().block();
    }

    private static final String TOOLS = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":["
            + "{\"name\":\"get_forecast\",\"inputSchema\":{}},{\"name\":\"delete_city\"},{\"name\":\"admin_reset\"},"
            + "{\"title\":\"no name\"},{\"name\":7}]}}";

    @Test
    void sseStreamsCutAnywhereWithAnyLineEndingFilterOnlyTheListAnswer() {
        Random random = new Random(9728);
        for (String eol : List.of("\n", "\r\n", "\r")) {
            String progress = ": keep-alive" + eol + "event: message" + eol
                    + "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"tools\":"
                    + "[{\"name\":\"delete_city\"}]}}" + eol + eol;
            String other = "id: 2" + eol + "data: " + TOOLS.formatted("99") + eol + eol;
            String answer = "id: 3" + eol + "event: message" + eol + "data: " + TOOLS.formatted("1") + eol + eol;
            String after = "data: {\"jsonrpc\":\"2.0\"," + eol + "data: \"method\":\"x\"}" + eol + eol;
            String stream = progress + other + answer + after;
            byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
            for (int variant = 0; variant < 300; variant++) {
                List<byte[]> chunks = new ArrayList<>();
                int at = 0;
                while (at < bytes.length) {
                    int n = variant == 0 ? 1 : 1 + random.nextInt(variant % 2 == 0 ? 8 : 200);
                    n = Math.min(n, bytes.length - at);
                    chunks.add(java.util.Arrays.copyOfRange(bytes, at, at + n));
                    at += n;
                }
                String out = run(listRequest("1"), MediaType.TEXT_EVENT_STREAM, chunks, variant % 3 == 0);
                assertThat(out).as("%s variant %d", eol.replace("\r", "CR").replace("\n", "LF"), variant)
                        .startsWith(progress + other)
                        .endsWith(after)
                        .contains("id: 3\nevent: message\ndata: ")
                        .contains("\"name\":\"get_forecast\"");
                String filtered = out.substring((progress + other).length(), out.length() - after.length());
                assertThat(filtered).doesNotContain("delete_city").doesNotContain("admin_reset")
                        .doesNotContain("no name").doesNotContain("\"name\":7");
            }
        }
    }

    @Test
    void anIdIsMatchedByItsJsonTypeAndJsonBatchesAreFilteredPerAnswer() {
        String numberAnswer = TOOLS.formatted("1");
        String stringAnswer = TOOLS.formatted("\"1\"");
        String out = run(listRequest("1"), MediaType.APPLICATION_JSON,
                List.of(("[" + stringAnswer + "," + numberAnswer + "]").getBytes(StandardCharsets.UTF_8)), false);
        assertThat(out.substring(0, out.indexOf("},{\"jsonrpc\"")))
                .as("the answer to id \"1\" is not the answer to id 1").contains("delete_city");
        assertThat(out.substring(out.indexOf("},{\"jsonrpc\""))).doesNotContain("delete_city")
                .contains("get_forecast");
        String single = run(listRequest("\"a\""), MediaType.APPLICATION_JSON,
                List.of(TOOLS.formatted("\"a\"").getBytes(StandardCharsets.UTF_8)), false);
        assertThat(single).contains("get_forecast").doesNotContain("delete_city");
    }

    @Test
    void aListTooLargeToFilterIsAnErrorNotAnUnfilteredList() {
        String huge = TOOLS.formatted("1").replace("\"inputSchema\":{}",
                "\"inputSchema\":{\"d\":\"" + "x".repeat(70_000) + "\"}");
        String out = run(listRequest("1"), MediaType.APPLICATION_JSON,
                List.of(huge.getBytes(StandardCharsets.UTF_8)), false);
        assertThat(out).contains("\"error\"").contains("mcp.list-too-large").doesNotContain("delete_city");
        assertThatStreamFails("data: " + huge + "\n\n");
    }

    private static void assertThatStreamFails(String stream) {
        try {
            String out = run(listRequest("1"), MediaType.TEXT_EVENT_STREAM,
                    List.of(stream.getBytes(StandardCharsets.UTF_8)), false);
            assertThat(out).doesNotContain("delete_city");
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("larger than");
        }
    }

    @Test
    void otherContentTypesAndNonListRequestsPassUntouched() {
        String body = TOOLS.formatted("1");
        assertThat(run(listRequest("1"), MediaType.TEXT_PLAIN, List.of(body.getBytes(StandardCharsets.UTF_8)),
                false)).isEqualTo(body);
        McpMessages.Parsed call = new McpMessages(ROUTE).parse(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"get_forecast\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(run(call, MediaType.APPLICATION_JSON, List.of(body.getBytes(StandardCharsets.UTF_8)), false))
                .isEqualTo(body);
    }

    @Test
    void segmentsEncodeEverythingThatCouldChangeTheResourcePath() {
        for (String name : Set.of("..", ".", "...", "a/b", "a%2Fb", "a b", "ü", "a?b", "a#b", "a\u0000")) {
            String segment = dev.tollgate.policy.ResourcePattern.segment(name);
            assertThat(segment).as(name).matches("[A-Za-z0-9._~%-]+").doesNotContain("/");
            assertThat(segment).as(name).isNotIn(".", "..", "...");
        }
        assertThat(dev.tollgate.policy.ResourcePattern.segment("get_forecast.v2")).isEqualTo("get_forecast.v2");
    }
}
