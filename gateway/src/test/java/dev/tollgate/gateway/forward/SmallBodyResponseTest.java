package dev.tollgate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which bodies are joined into one write, over generated responses: declared lengths absent, zero, small, at the
 * limit and past it, bodies split into 1 to 12 buffers of random sizes, as a Flux or a Mono. The bytes must arrive
 * unchanged whichever way they go.
 */
class SmallBodyResponseTest {

    private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    /** Records what the response below the decorator was handed. */
    static final class Capturing extends ServerHttpResponseDecorator {
        Publisher<? extends DataBuffer> written;

        Capturing(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            written = body;
            return super.writeWith(body);
        }
    }

    @Test
    void generatedResponsesAreJoinedExactlyWhenSmallAndOfDeclaredLength() {
        Random random = new Random(1504);
        int joined = 0;
        for (int i = 0; i < 600; i++) {
            int size = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> 1 + random.nextInt(64);
                case 2 -> 1 + random.nextInt(SmallBodyResponse.MAX_BYTES);
                case 3 -> SmallBodyResponse.MAX_BYTES + random.nextInt(2);
                default -> SmallBodyResponse.MAX_BYTES + 1 + random.nextInt(SmallBodyResponse.MAX_BYTES);
            };
            byte[] body = new byte[size];
            random.nextBytes(body);
            boolean declared = random.nextInt(4) != 0;
            boolean mono = random.nextInt(6) == 0;

            MockServerHttpResponse mock = new MockServerHttpResponse();
            Capturing below = new Capturing(mock);
            SmallBodyResponse response = new SmallBodyResponse(below);
            if (declared) {
                response.getHeaders().setContentLength(size);
            }
            Publisher<DataBuffer> source = mono ? Mono.just(BUFFERS.wrap(body)) : Flux.fromIterable(split(body, random));
            response.writeWith(source).block();

            boolean expectJoin = !mono && declared && size > 0 && size <= SmallBodyResponse.MAX_BYTES;
            String what = "size %d, declared %s, mono %s".formatted(size, declared, mono);
            assertThat(below.written instanceof Mono).as(what).isEqualTo(mono || expectJoin);
            if (!mono && !expectJoin) {
                assertThat(below.written).as(what + ": handed on untouched").isSameAs(source);
            }
            assertThat(bytes(mock)).as(what).isEqualTo(body);
            joined += expectJoin ? 1 : 0;
        }
        assertThat(joined).as("the generator reaches the joined case often").isGreaterThan(150);
    }

    @Test
    void headRequestsAreLeftAlone() {
        List<ServerHttpResponse> seen = new ArrayList<>();
        var handler = SmallBodyResponse.onEveryResponse().apply((request, response) -> {
            seen.add(response);
            return Mono.empty();
        });
        handler.handle(MockServerHttpRequest.method(HttpMethod.HEAD, "/x").build(), new MockServerHttpResponse())
                .block();
        handler.handle(MockServerHttpRequest.get("/x").build(), new MockServerHttpResponse()).block();
        assertThat(seen.get(0)).isInstanceOf(MockServerHttpResponse.class);
        assertThat(seen.get(1)).isInstanceOf(SmallBodyResponse.class);
    }

    private static List<DataBuffer> split(byte[] body, Random random) {
        List<DataBuffer> parts = new ArrayList<>();
        int pieces = 1 + random.nextInt(12);
        int at = 0;
        for (int p = 0; p < pieces && at < body.length; p++) {
            int end = p == pieces - 1 ? body.length : at + random.nextInt(body.length - at + 1);
            parts.add(BUFFERS.wrap(java.util.Arrays.copyOfRange(body, at, end)));
            at = end;
        }
        if (at < body.length) {
            parts.add(BUFFERS.wrap(java.util.Arrays.copyOfRange(body, at, body.length)));
        }
        return parts;
    }

    private static byte[] bytes(MockServerHttpResponse mock) {
        return org.springframework.core.io.buffer.DataBufferUtils.join(mock.getBody()).map(b -> {
            byte[] out = new byte[b.readableByteCount()];
            b.read(out);
            return out;
        }).blockOptional().orElse(new byte[0]);
    }
}
