package dev.tollgate.gateway.decisionlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every field of generated events, read back by a JSON parser: the names, their order, the values (escaping included),
 * nulls and the fields written only when set. The oracle is the event itself, not a second encoder.
 */
class DecisionEventEncoderTest {

    private static final List<String> ALWAYS = List.of("decision_id", "time", "route", "tenant", "principal",
            "trust_domain", "method", "path", "effect", "status", "reason", "deciding_rules", "revision",
            "credentials", "token_id", "jti", "jkt", "x5t_s256", "failure_mode", "degraded", "cache", "errors",
            "latency_us", "caller", "actors", "mcp_method", "mcp_name");

    private final DecisionEventEncoder encoder = new DecisionEventEncoder();
    private final JsonMapper json = JsonMapper.builder().build();
    private final SplittableRandom random = new SplittableRandom(42);

    /**
     * The writer's path: one generator reused for every line into the same buffer, as DecisionLog does. Each line must
     * be exactly the one the one-shot encoder writes (no separator, nothing left from the line before), and a line
     * that failed half-way must not leave its bytes or its open object in the next.
     */
    @Test
    void theWritersReusedGeneratorWritesEachLineAloneEvenAfterOneFailed() {
        FailingOnce buffer = new FailingOnce();
        for (int i = 0; i < 500; i++) {
            DecisionEvent event = generated();
            buffer.reset();
            if (i == 250) {
                // Longer than the generator's own buffer, so it writes to the stream mid-object, and that write fails.
                DecisionEvent huge = DecisionEvent.of("huge", Instant.EPOCH).outcome("DENY", 400, "request.path")
                        .request("GET", "/" + "x".repeat(20_000)).build();
                buffer.failNext = true;
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> encoder.encode(huge, buffer))
                        .isInstanceOf(RuntimeException.class);
                assertThat(buffer.failNext).as("the write failed mid-line").isFalse();
                buffer.reset();
            }
            encoder.encode(event, buffer);
            assertThat(buffer.toString(java.nio.charset.StandardCharsets.UTF_8)).as("line %d", i)
                    .isEqualTo(encoder.encode(event));
        }
    }

    /** A line buffer whose next write fails once when told to, like a stream that breaks mid-line. */
    private static final class FailingOnce extends java.io.ByteArrayOutputStream {
        boolean failNext;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (failNext) {
                failNext = false;
                super.write(b, off, Math.min(len, 7));
                throw new java.io.UncheckedIOException(new java.io.IOException("broken mid-line"));
            }
            super.write(b, off, len);
        }
    }

    @Test
    void generatedEventsReadBackFieldForField() {
        for (int i = 0; i < 2_000; i++) {
            DecisionEvent event = generated();
            String line = encoder.encode(event);
            assertThat(line).doesNotContain("\n");
            JsonNode node = json.readTree(line);

            List<String> names = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                names.add(it.next().getKey());
            }
            List<String> expected = new ArrayList<>(ALWAYS);
            if (event.status() == null) {
                expected.remove("status");
            }
            if (event.caller() == null) {
                expected.remove("caller");
            }
            if (event.actors().isEmpty()) {
                expected.remove("actors");
            }
            if (event.mcpMethod() == null) {
                expected.remove("mcp_method");
                expected.remove("mcp_name");
            }
            assertThat(names).as(line).isEqualTo(expected);

            assertText(node, "decision_id", event.decisionId());
            assertText(node, "time", event.time().toString());
            assertText(node, "route", event.route());
            assertText(node, "tenant", event.tenant());
            assertText(node, "principal", event.principal());
            assertText(node, "trust_domain", event.trustDomain());
            assertText(node, "method", event.method());
            assertText(node, "path", event.path());
            assertText(node, "effect", event.effect());
            if (event.status() != null) {
                assertThat(node.get("status").intValue()).isEqualTo(event.status());
            }
            assertText(node, "reason", event.reason());
            assertList(node, "deciding_rules", event.decidingRules());
            assertText(node, "revision", event.revision());
            assertList(node, "credentials", event.credentials());
            assertText(node, "token_id", event.tokenId());
            assertText(node, "jti", event.jti());
            assertText(node, "jkt", event.jkt());
            assertText(node, "x5t_s256", event.x5t());
            assertText(node, "failure_mode", event.failureMode());
            assertThat(node.get("degraded").booleanValue()).isEqualTo(event.degraded());
            assertText(node, "cache", event.cache());
            assertList(node, "errors", event.errors());
            assertThat(node.get("latency_us").longValue()).isEqualTo(event.latencyMicros());
            if (event.caller() != null) {
                assertText(node, "caller", event.caller());
            }
            if (!event.actors().isEmpty()) {
                assertList(node, "actors", event.actors());
            }
            if (event.mcpMethod() != null) {
                assertText(node, "mcp_method", event.mcpMethod());
                assertText(node, "mcp_name", event.mcpName());
            }
        }
    }

    private static void assertText(JsonNode node, String name, String value) {
        if (value == null) {
            assertThat(node.get(name).isNull()).as(name).isTrue();
        } else {
            assertThat(node.get(name).stringValue()).as(name).isEqualTo(value);
        }
    }

    private static void assertList(JsonNode node, String name, List<String> values) {
        List<String> read = new ArrayList<>();
        node.get(name).forEach(v -> read.add(v.stringValue()));
        assertThat(read).as(name).isEqualTo(values == null ? List.of() : values);
    }

    private DecisionEvent generated() {
        Instant time = Instant.ofEpochSecond(random.nextLong(-100_000_000L, 300_000_000_000L),
                random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
        return new DecisionEvent(text(), time, maybe(), maybe(), maybe(), maybe(), text(), text(), text(),
                random.nextBoolean() ? null : random.nextInt(100, 600), text(), list(), maybe(), list(), maybe(),
                maybe(), maybe(), maybe(), maybe(), random.nextBoolean(), maybe(), list(),
                random.nextLong(0, Long.MAX_VALUE), maybe(), random.nextBoolean() ? null : list(), maybe(), maybe());
    }

    private List<String> list() {
        List<String> values = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            values.add(text());
        }
        return values;
    }

    private String maybe() {
        return random.nextInt(3) == 0 ? null : text();
    }

    /** Plain words, and what must be escaped or encoded: quotes, backslashes, controls, non-ASCII, emoji. */
    private String text() {
        String[] pieces = {"spiffe://acme.demo/ns/shop/sa/checkout", "/api/orders/42", "policy.permit", "\"", "\\",
                "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "日本", "\uD83D\uDE00", " ", "L1", "", "</script>"};
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }
}
