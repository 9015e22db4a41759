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
 * may use, in a JSON response or in an SSE stream. In a stream, only events are held (one at a time, bounded), and
 * once every list request of the POST is answered, the rest of the stream passes through untouched.
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
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (isStream()) {
            return super.writeWith(filterStream(Flux.from(body)));
        }
        if (!isJson()) {
            return super.writeWith(body);
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
        // Each event flushed as it is complete: a stream stays a stream.
        return super.writeAndFlushWith(filterStream(Flux.from(body).concatMap(Flux::from)).map(Mono::just));
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
            if (answered.size() == pending.size() && events.rest().length == 0) {
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
            return event;
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
            return bytes;
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

    /** Filters {@code message} in place if it answers a pending list request; true when it did. */
    private boolean filter(JsonNode message, Set<String> answered) {
        if (!(message instanceof ObjectNode m) || m.get("id") == null || m.has("method")) {
            return false;
        }
        McpLists.Kind kind = pending.get(m.get("id").toString());
        if (kind == null) {
            return false;
        }
        answered.add(m.get("id").toString());
        if (!(m.get("result") instanceof ObjectNode result) || !(result.get(kind.member()) instanceof ArrayNode items)) {
            return false;
        }
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
        return true;
    }

    private byte[] tooLarge() {
        String id = pending.keySet().iterator().next();
        ObjectNode error = McpAnswers.error(json.readTree(id), -32603, "the list is too large to filter",
                "mcp.list-too-large", null);
        return error.toString().getBytes(StandardCharsets.UTF_8);
    }
}
