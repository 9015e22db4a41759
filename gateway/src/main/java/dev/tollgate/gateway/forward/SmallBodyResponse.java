package dev.tollgate.gateway.forward;

import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Mono;

/**
 * A response whose body is small and of declared length goes to the client in one write: status line, headers and
 * body in one TLS record and one {@code send} system call, instead of two.
 * <p>
 * Why: Spring Cloud Gateway relays an upstream body as a {@code Flux}, and Reactor Netty writes a {@code Flux} body
 * after flushing the headers on their own; given a {@code Mono} it writes one full response with one flush. A native
 * profile of the gateway at load (perf/compare.sh {@code PERF=1}) put a third of its CPU in the kernel, most of it in
 * {@code sendto} (on loopback the kernel also delivers what is sent): two of the three sends per request were this
 * response. So when the upstream declared a {@code Content-Length} of at most {@link #MAX_BYTES}, the body is joined
 * (its buffers are not copied) and handed on as a {@code Mono}. Larger bodies, bodies of unknown length (chunked,
 * streams such as {@code text/event-stream}) and HEAD answers are written as they come, exactly as before.
 * <p>
 * The cost of waiting: a small declared-length body is sent once it is whole, not from its first byte; its length
 * bounds what is held per response.
 */
public final class SmallBodyResponse extends ServerHttpResponseDecorator {

    /** The largest body joined: one TLS record's worth. */
    public static final int MAX_BYTES = 16 * 1024;

    /** Every response of the server goes through one of these, but for HEAD requests (which have no body). */
    public static Function<HttpHandler, HttpHandler> onEveryResponse() {
        return handler -> (request, response) -> handler.handle(request,
                HttpMethod.HEAD.equals(request.getMethod()) ? response : new SmallBodyResponse(response));
    }

    public SmallBodyResponse(ServerHttpResponse delegate) {
        super(delegate);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (body instanceof Mono<?>) {
            return super.writeWith(body);
        }
        long length = getHeaders().getContentLength();
        if (length <= 0 || length > MAX_BYTES) {
            return super.writeWith(body);
        }
        // The limit guards against an upstream sending more than it declared (Netty's decoder stops it anyway).
        return super.writeWith(DataBufferUtils.join(body, MAX_BYTES));
    }
}
