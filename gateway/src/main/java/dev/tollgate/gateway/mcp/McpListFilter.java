package dev.tollgate.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Filters the answers to {@code tools/list}, {@code prompts/list} and {@code resources/list} down to what the caller
 * may use, in a JSON response or in an SSE stream. A list answer is recognised by its shape — a result with a
 * {@code tools}, {@code prompts} or {@code resources} array — whatever its id says, so a server that mangles ids, or
 * replays an answer on its GET stream ({@code Last-Event-ID}), still has it filtered. In a stream, only events are
 * held (one at a time, bounded); on a POST's stream, once every list request is answered, the rest passes through
 * untouched; a GET stream is inspected to its end. What cannot be inspected — a compressed body, an answer that is not
 * JSON, one larger than the bound — is replaced by a JSON-RPC error, never passed on unfiltered.
 */
public final class McpListFilter extends ServerHttpResponseDecorator {

    /** Whether the caller may use the item: a policy question with the list method's call action. */
    @FunctionalInterface
    public interface MayUse {
        boolean test(McpLists.Kind kind, String name);
    }

    private static final Logger log = LoggerFactory.getLogger(McpListFilter.class);
    private static final JsonMapper json = JsonMapper.builder().build();

    /** The list requests of the POST by their id's JSON text ({@code 1} and {@code "1"} are different ids). */
    private final Map<String, McpLists.Kind> pending;
    private final MayUse mayUse;
    private final int maxBytes;

    public McpListFilter(ServerHttpResponse delegate, McpMessages.Parsed parsed, MayUse mayUse, int maxBytes) {
        super(delegate);
        Map<String, McpLists.Kind> lists = new HashMap<>();
        parsed.calls().stream().filter(McpCall::lists)
                .forEach(c -> lists.put(c.id().toString(), McpLists.kind(c.method())));
        this.pending = lists;
        this.mayUse = mayUse;
        this.maxBytes = maxBytes;
        this.wholeStream = false;
    }

    /** For the server's GET stream: every event is inspected. */
    public McpListFilter(ServerHttpResponse delegate, MayUse mayUse, int maxBytes) {
        super(delegate);
        this.pending = Map.of();
        this.mayUse = mayUse;
        this.maxBytes = maxBytes;
        this.wholeStream = true;
    }

    /** A GET stream: never stop inspecting. */
    private final boolean wholeStream;

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (encoded() && (isStream() || isJson())) {
            return refuseUninspectable(body);
        }
        if (isStream()) {
            return super.writeWith(filterStream(Flux.from(body)));
        }
        if (!isJson()) {
            // An MCP answer is JSON or an event stream; anything else could be a list we cannot read.
            return getDelegate().getHeaders().getContentType() == null ? super.writeWith(body) : refuseUninspectable(body);
        }
        getDelegate().getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        return DataBufferUtils.join(body, maxBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bufferFactory().wrap(filterJson(bytes));
                })
                .onErrorResume(DataBufferLimitException.class, e -> Mono.just(bufferFactory().wrap(tooLarge())))
                .flatMap(buffer -> super.writeWith(Mono.just(buffer)));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        if (!isStream()) {
            return super.writeAndFlushWith(body);
        }
        if (encoded()) {
            return refuseUninspectable(Flux.from(body).concatMap(Flux::from));
        }
        // Each event flushed as it is complete: a stream stays a stream.
        return super.writeAndFlushWith(filterStream(Flux.from(body).concatMap(Flux::from)).map(Mono::just));
    }

    /** A compressed answer cannot be inspected (Tollgate asks for none: it strips Accept-Encoding). */
    private boolean encoded() {
        String encoding = getDelegate().getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING);
        return encoding != null && !encoding.equalsIgnoreCase("identity");
    }

    private Mono<Void> refuseUninspectable(Publisher<? extends DataBuffer> body) {
        getDelegate().getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
        getDelegate().getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        getDelegate().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return Flux.from(body).doOnNext(DataBufferUtils::release).then(super.writeWith(Mono.just(
                bufferFactory().wrap(error("mcp.list-uninspectable", "the answer could not be inspected")))));
    }

    private boolean isStream() {
        MediaType type = getDelegate().getHeaders().getContentType();
        return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
    }

    private boolean isJson() {
        MediaType type = getDelegate().getHeaders().getContentType();
        return type != null && MediaType.APPLICATION_JSON.isCompatibleWith(type);
    }

    private Flux<DataBuffer> filterStream(Flux<? extends DataBuffer> body) {
        SseEvents events = new SseEvents(maxBytes);
        Set<String> answered = new HashSet<>();
        return body.concatMap(buffer -> {
            byte[] chunk = new byte[buffer.readableByteCount()];
            buffer.read(chunk);
            DataBufferUtils.release(buffer);
            if (!wholeStream && answered.size() == pending.size() && events.rest().length == 0) {
                return Flux.just(bufferFactory().wrap(chunk));
            }
            return Flux.fromIterable(events.feed(chunk)).map(event -> bufferFactory().wrap(filterEvent(event,
                    answered)));
        }).concatWith(Flux.defer(() -> {
            byte[] rest = events.rest();
            return rest.length == 0 ? Flux.empty() : Flux.just(bufferFactory().wrap(rest));
        }));
    }

    private byte[] filterEvent(byte[] event, Set<String> answered) {
        String data = SseEvents.data(event);
        if (data == null || data.isEmpty()) {
            return event;
        }
        JsonNode message;
        try {
            message = json.readTree(data);
        } catch (JacksonException e) {
            // Not a JSON-RPC message: it could be the list answer in a form we cannot read. Never pass it on.
            return SseEvents.withData(event, new String(error("mcp.list-uninspectable",
                    "an event of the stream could not be inspected"), StandardCharsets.UTF_8));
        }
        if (!filter(message, answered)) {
            return event;
        }
        return SseEvents.withData(event, message.toString());
    }

    private byte[] filterJson(byte[] bytes) {
        JsonNode message;
        try {
            message = json.readTree(bytes);
        } catch (JacksonException e) {
            return error("mcp.list-uninspectable", "the answer could not be inspected");
        }
        boolean changed = false;
        if (message.isArray()) {
            for (JsonNode m : message) {
                changed |= filter(m, new HashSet<>());
            }
        } else {
            changed = filter(message, new HashSet<>());
        }
        return changed ? message.toString().getBytes(StandardCharsets.UTF_8) : bytes;
    }

    /**
     * Filters {@code message} in place if it is a list answer — by its shape, whatever its id; true when it changed.
     * An answer to a pending list request counts as answered.
     */
    private boolean filter(JsonNode message, Set<String> answered) {
        if (!(message instanceof ObjectNode m) || m.has("method")) {
            return false;
        }
        if (m.get("id") != null && pending.containsKey(m.get("id").toString())) {
            answered.add(m.get("id").toString());
        }
        if (!(m.get("result") instanceof ObjectNode result)) {
            return false;
        }
        boolean changed = false;
        for (McpLists.Kind kind : McpLists.kinds()) {
            if (result.get(kind.member()) instanceof ArrayNode items) {
                filterItems(result, kind, items);
                changed = true;
            } else if (result.has(kind.member())) {
                // A list member that is not a list: nothing the client could use, and nothing to pass on.
                result.set(kind.member(), json.createArrayNode());
                changed = true;
            }
        }
        return changed;
    }

    private void filterItems(ObjectNode result, McpLists.Kind kind, ArrayNode items) {
        ArrayNode kept = json.createArrayNode();
        int hidden = 0;
        for (JsonNode item : items) {
            JsonNode name = item.get(kind.nameField());
            if (name != null && name.isString() && mayUse.test(kind, name.asString())) {
                kept.add(item);
            } else {
                hidden++;
            }
        }
        result.set(kind.member(), kept);
        if (hidden > 0) {
            log.debug("hid {} of {} {} from the caller", hidden, items.size(), kind.member());
        }
    }

    private byte[] tooLarge() {
        return error("mcp.list-too-large", "the list is too large to filter");
    }

    /** A JSON-RPC error for the pending list request (the only one, or none: id null). */
    private byte[] error(String reason, String message) {
        JsonNode id = pending.size() == 1 ? json.readTree(pending.keySet().iterator().next()) : null;
        return McpAnswers.error(id, -32603, message, reason, null).toString().getBytes(StandardCharsets.UTF_8);
    }
}
