package dev.tollgate.gateway.decisionlog;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes a {@link DecisionEvent} as one line of JSON (Jackson's streaming generator: no reflection, no tree), straight
 * to UTF-8 bytes: the log's writer encodes into one reused buffer and hands the bytes to every sink, with no string and
 * no second charset pass per line (perf/results/request-path-2026-12-03.md), the names pre-encoded and the time
 * formatted once per second (perf/results/decision-log-2026-12-04.md).
 */
public final class DecisionEventEncoder {

    // The property names, quoted and encoded once: Jackson copies their bytes instead of escaping each name per event
    // (writing names was half of the writer thread's samples in a JFR profile, perf/results/decision-log-2026-12-04.md).
    private static final SerializableString DECISION_ID = new SerializedString("decision_id");
    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString ROUTE = new SerializedString("route");
    private static final SerializableString TENANT = new SerializedString("tenant");
    private static final SerializableString PRINCIPAL = new SerializedString("principal");
    private static final SerializableString TRUST_DOMAIN = new SerializedString("trust_domain");
    private static final SerializableString METHOD = new SerializedString("method");
    private static final SerializableString PATH = new SerializedString("path");
    private static final SerializableString EFFECT = new SerializedString("effect");
    private static final SerializableString STATUS = new SerializedString("status");
    private static final SerializableString REASON = new SerializedString("reason");
    private static final SerializableString REVISION = new SerializedString("revision");
    private static final SerializableString TOKEN_ID = new SerializedString("token_id");
    private static final SerializableString JTI = new SerializedString("jti");
    private static final SerializableString JKT = new SerializedString("jkt");
    private static final SerializableString X5T_S256 = new SerializedString("x5t_s256");
    private static final SerializableString FAILURE_MODE = new SerializedString("failure_mode");
    private static final SerializableString DEGRADED = new SerializedString("degraded");
    private static final SerializableString CACHE = new SerializedString("cache");
    private static final SerializableString LATENCY_US = new SerializedString("latency_us");
    private static final SerializableString CALLER = new SerializedString("caller");
    private static final SerializableString MCP_METHOD = new SerializedString("mcp_method");
    private static final SerializableString MCP_NAME = new SerializedString("mcp_name");
    private static final SerializableString DECIDING_RULES = new SerializedString("deciding_rules");
    private static final SerializableString CREDENTIALS = new SerializedString("credentials");
    private static final SerializableString ERRORS = new SerializedString("errors");
    private static final SerializableString ACTORS = new SerializedString("actors");

    private final InstantText time = new InstantText();

    // The target is the caller's: closing or flushing the generator neither closes nor flushes it (a flush per line
    // would be a write system call per request). Lines follow one another with nothing between them: the caller puts
    // the newline.
    private final JsonFactory factory = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM).rootValueSeparator((SerializableString) null)
            .build();

    /**
     * The writer's generator, kept for as long as it writes to the same stream: making one per event (its context,
     * its buffer from the recycler) was a few per cent of the writer's time. Not thread-safe, like the writer.
     */
    private JsonGenerator generator;
    private OutputStream target;

    /** The event as one line of JSON (tests and tools; the writer uses {@link #encode(DecisionEvent, OutputStream)}). */
    public String encode(DecisionEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = factory.createGenerator(out)) {
            write(g, e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Appends the event's line of JSON, in UTF-8 and without a newline, to {@code out}. Called with the same stream
     * each time (the writer's line buffer), it reuses one generator; only one thread may call it.
     */
    public void encode(DecisionEvent e, OutputStream out) {
        if (out != target) {
            generator = factory.createGenerator(out);
            target = out;
        }
        boolean whole = false;
        try {
            write(generator, e);
            generator.flush(); // into out's buffer: FLUSH_PASSED_TO_STREAM is off
            whole = true;
        } finally {
            if (!whole) {
                // An event that failed half-way leaves the generator inside its object: start the next one afresh.
                target = null;
            }
        }
    }

    private void write(JsonGenerator g, DecisionEvent e) {
        g.writeStartObject();
        string(g, DECISION_ID, e.decisionId());
        string(g, TIME, time.format(e.time()));
        string(g, ROUTE, e.route());
        string(g, TENANT, e.tenant());
        string(g, PRINCIPAL, e.principal());
        string(g, TRUST_DOMAIN, e.trustDomain());
        string(g, METHOD, e.method());
        string(g, PATH, e.path());
        string(g, EFFECT, e.effect());
        if (e.status() != null) {
            g.writeName(STATUS);
            g.writeNumber(e.status());
        }
        string(g, REASON, e.reason());
        writeList(g, DECIDING_RULES, e.decidingRules());
        string(g, REVISION, e.revision());
        writeList(g, CREDENTIALS, e.credentials());
        string(g, TOKEN_ID, e.tokenId());
        string(g, JTI, e.jti());
        string(g, JKT, e.jkt());
        string(g, X5T_S256, e.x5t());
        string(g, FAILURE_MODE, e.failureMode());
        g.writeName(DEGRADED);
        g.writeBoolean(e.degraded());
        string(g, CACHE, e.cache());
        writeList(g, ERRORS, e.errors());
        g.writeName(LATENCY_US);
        g.writeNumber(e.latencyMicros());
        if (e.caller() != null) {
            string(g, CALLER, e.caller());
        }
        if (!e.actors().isEmpty()) {
            writeList(g, ACTORS, e.actors());
        }
        if (e.mcpMethod() != null) {
            string(g, MCP_METHOD, e.mcpMethod());
            string(g, MCP_NAME, e.mcpName());
        }
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String value) {
        g.writeName(name);
        g.writeString(value);
    }

    private static void writeList(JsonGenerator g, SerializableString name, List<String> values) {
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
