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
                        .startsWith(progress)
                        .endsWith(after)
                        .contains("id: 3\nevent: message\ndata: ")
                        .contains("\"name\":\"get_forecast\"");
                String filtered = out.substring(progress.length(), out.length() - after.length());
                assertThat(filtered).doesNotContain("delete_city").doesNotContain("admin_reset")
                        .doesNotContain("no name").doesNotContain("\"name\":7");
            }
        }
    }

    @Test
    void everyListAnswerOfABatchIsFilteredWhateverItsId() {
        String out = run(listRequest("1"), MediaType.APPLICATION_JSON, List.of(("[" + TOOLS.formatted("\"1\"") + ","
                + TOOLS.formatted("1") + "]").getBytes(StandardCharsets.UTF_8)), false);
        assertThat(out).doesNotContain("delete_city").doesNotContain("admin_reset");
        assertThat(out.split("get_forecast", -1)).hasSize(3);
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

    /** Review findings: what cannot be inspected is never passed on, and lists are known by their shape. */
    @Test
    void uninspectableAnswersAreErrorsAndListsAreFoundByShapeWhateverTheirId() {
        // An id the server mangled (a JavaScript server rounds 2^53+1): still a tools list, still filtered.
        String out = run(listRequest("1"), MediaType.APPLICATION_JSON,
                List.of(TOOLS.formatted("9007199254740992").getBytes(StandardCharsets.UTF_8)), false);
        assertThat(out).contains("get_forecast").doesNotContain("delete_city");
        // Not JSON at all.
        assertThat(run(listRequest("1"), MediaType.APPLICATION_JSON, List.of("\u001f\u008b garbage".getBytes(
                StandardCharsets.ISO_8859_1)), false)).contains("mcp.list-uninspectable").doesNotContain("garbage");
        // Compressed: refused without reading.
        MockServerHttpResponse gz = new MockServerHttpResponse();
        gz.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        gz.getHeaders().set("Content-Encoding", "gzip");
        new McpListFilter(gz, listRequest("1"), ONLY_FORECAST, 1 << 16).writeWith(Flux.just(
                DefaultDataBufferFactory.sharedInstance.wrap(TOOLS.formatted("1").getBytes(StandardCharsets.UTF_8))))
                .block();
        assertThat(gz.getBodyAsString().block()).contains("mcp.list-uninspectable").doesNotContain("delete_city");
        assertThat(gz.getHeaders().getFirst("Content-Encoding")).isNull();
        // The server's GET stream (a resumed answer): every event inspected, to the end.
        MockServerHttpResponse get = new MockServerHttpResponse();
        get.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
        String stream = "id: 9\ndata: " + TOOLS.formatted("1") + "\n\ndata: not json\n\ndata: "
                + TOOLS.formatted("\"x\"") + "\n\n";
        new McpListFilter(get, ONLY_FORECAST, 1 << 16).writeWith(Flux.just(DefaultDataBufferFactory.sharedInstance
                .wrap(stream.getBytes(StandardCharsets.UTF_8)))).block();
        String got = get.getBodyAsString().block();
        assertThat(got).doesNotContain("delete_city").doesNotContain("admin_reset").doesNotContain("not json")
                .contains("mcp.list-uninspectable").contains("id: 9");
    }

    @Test
    void anAnswerOfAnotherContentTypeIsNotPassedOnUnfiltered() {
        String body = TOOLS.formatted("1");
        assertThat(run(listRequest("1"), MediaType.TEXT_PLAIN, List.of(body.getBytes(StandardCharsets.UTF_8)),
                false)).contains("mcp.list-uninspectable").doesNotContain("delete_city");
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
