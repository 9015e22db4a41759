package dev.tollgate.gateway.decisionlog;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes a {@link DecisionEvent} as one line of JSON (Jackson's streaming generator: no reflection, no tree), straight
 * to UTF-8 bytes: the log's writer encodes into one reused buffer and hands the bytes to every sink, with no string and
 * no second charset pass per line (perf/results/request-path-2026-12-03.md).
 */
public final class DecisionEventEncoder {

    // The target is the caller's: closing the generator neither closes nor flushes it (a flush per line would be a
    // write system call per request).
    private final JsonFactory factory = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM).build();

    /** The event as one line of JSON (tests and tools; the writer uses {@link #encode(DecisionEvent, OutputStream)}). */
    public String encode(DecisionEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        encode(e, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Appends the event's line of JSON, in UTF-8 and without a newline, to {@code out}. */
    public void encode(DecisionEvent e, OutputStream out) {
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("decision_id", e.decisionId());
            g.writeStringProperty("time", e.time().toString());
            g.writeStringProperty("route", e.route());
            g.writeStringProperty("tenant", e.tenant());
            g.writeStringProperty("principal", e.principal());
            g.writeStringProperty("trust_domain", e.trustDomain());
            g.writeStringProperty("method", e.method());
            g.writeStringProperty("path", e.path());
            g.writeStringProperty("effect", e.effect());
            if (e.status() != null) {
                g.writeNumberProperty("status", e.status());
            }
            g.writeStringProperty("reason", e.reason());
            writeList(g, "deciding_rules", e.decidingRules());
            g.writeStringProperty("revision", e.revision());
            writeList(g, "credentials", e.credentials());
            g.writeStringProperty("token_id", e.tokenId());
            g.writeStringProperty("jti", e.jti());
            g.writeStringProperty("jkt", e.jkt());
            g.writeStringProperty("x5t_s256", e.x5t());
            g.writeStringProperty("failure_mode", e.failureMode());
            g.writeBooleanProperty("degraded", e.degraded());
            g.writeStringProperty("cache", e.cache());
            writeList(g, "errors", e.errors());
            g.writeNumberProperty("latency_us", e.latencyMicros());
            if (e.caller() != null) {
                g.writeStringProperty("caller", e.caller());
            }
            if (!e.actors().isEmpty()) {
                writeList(g, "actors", e.actors());
            }
            if (e.mcpMethod() != null) {
                g.writeStringProperty("mcp_method", e.mcpMethod());
                g.writeStringProperty("mcp_name", e.mcpName());
            }
            g.writeEndObject();
        }
    }

    private static void writeList(JsonGenerator g, String name, List<String> values) {
        g.writeName(name);
        g.writeStartArray();
        if (values != null) {
            for (String v : values) {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }
}
