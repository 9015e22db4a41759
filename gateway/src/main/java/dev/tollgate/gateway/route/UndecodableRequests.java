package dev.tollgate.gateway.route;

import dev.tollgate.gateway.problem.ProblemResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;

/**
 * Answers a request head that Netty's HTTP/1.1 decoder could not read as every other refusal is answered: problem+json
 * with a decision-log line and a metric. Reactor Netty answers such a head itself, below every route, with an empty
 * 400, 414 or 431 and no trace; so a handler in front of its own takes the failed request first. The classes:
 * <ul>
 *   <li>a request line longer than {@code server.netty.max-initial-line-length}: 414 {@code request.target-too-long};
 *   <li>a header section larger than {@code server.max-http-request-header-size}: 431 {@code request.headers-too-large};
 *   <li>anything else the decoder refuses (a space before a header's colon, a control byte in a name or the target, an
 *       unknown protocol, two different {@code Content-Length}s), and a {@code Host} whose port Reactor Netty cannot
 *       read: 400 {@code request.malformed}.
 * </ul>
 * The connection is closed after the answer, as Netty's decoder discards the rest of it. A failed head behind a
 * request still being answered on the same connection (pipelining) is left to Reactor Netty, which keeps responses in
 * order; this handler would answer out of turn.
 */
public final class UndecodableRequests implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    static final String HANDLER = "tollgate.undecodableRequests";
    /** What of the decoder's message goes into the detail and the log: enough to see why, bounded. */
    static final int MAX_CAUSE_CHARS = 160;

    private final PathRefusals refusals;
    private final Handler handler = new Handler();

    public UndecodableRequests(PathRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(server -> server.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null) {
                channel.pipeline().addBefore(NettyPipeline.HttpTrafficHandler, HANDLER, handler);
            }
        }));
    }

    /** The handler every connection shares (the customizer's, and a benchmark's). */
    public ChannelHandler handler() {
        return handler;
    }

    /** Stateless, so one for all connections: a request still being answered is Reactor Netty's own state. */
    @ChannelHandler.Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Behind a request still being answered (pipelining) Reactor Netty holds the next one back and answers in
            // order; answering here would put this answer before that one's.
            if (msg instanceof HttpRequest request
                    && (request.decoderResult().isFailure() || badHostPort(request) != null)
                    && ChannelOperations.get(ctx.channel()) == null) {
                refuse(ctx, request);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private void refuse(ChannelHandlerContext ctx, HttpRequest request) {
            Throwable cause = request.decoderResult().isFailure() ? request.decoderResult().cause() : null;
            String badPort = cause == null ? badHostPort(request) : null;
            String method = request.method().name();
            // A request line the decoder could not read comes as its stand-in, a whole GET of "/bad-request": no path.
            String path = cause != null && request instanceof FullHttpRequest ? null
                    : MalformedTargetRoute.loggedPath(request.uri());
            ReferenceCountUtil.release(request);
            HttpResponseStatus status;
            String reason;
            String detail;
            if (cause instanceof TooLongHttpLineException) {
                status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
                reason = "request.target-too-long";
                detail = "the request line is longer than the gateway accepts (server.netty.max-initial-line-length)";
            } else if (cause instanceof TooLongHttpHeaderException) {
                status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
                reason = "request.headers-too-large";
                detail = "the request's header section is larger than the gateway accepts"
                        + " (server.max-http-request-header-size)";
            } else {
                status = HttpResponseStatus.BAD_REQUEST;
                reason = "request.malformed";
                detail = "the request head is not valid HTTP/1.1: " + (cause != null ? printable(cause)
                        : "the Host header's port is not a number: " + printable(badPort));
            }
            String id = refusals.record(method, path, status.code(), reason, detail);
            byte[] body = ProblemResponses.body(status.code(), status.reasonPhrase(), reason, detail, id)
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON.toString())
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The port of the {@code Host} header when Reactor Netty cannot read it as a number, else {@code null}. Reactor
     * Netty reads the port behind the first {@code ':'} (behind the {@code ']'} of a bracketed host) with
     * {@link Integer#parseInt}, and answers a bare 400 when that throws ({@code localhost:x}, {@code localhost:},
     * {@code [::1} without its bracket): the same reading here finds those first.
     */
    public static String badHostPort(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null || host.isEmpty()) {
            return null;
        }
        int colon = host.charAt(0) == '[' ? host.indexOf(':', host.indexOf(']')) : host.indexOf(':');
        if (colon < 0) {
            return null;
        }
        if (isInt(host, colon + 1)) {
            return null;
        }
        return colon + 1 == host.length() ? "(empty)" : host.substring(colon + 1);
    }

    /** Whether {@link Integer#parseInt} takes {@code s} from {@code from} on (a sign, digits, within int's range). */
    static boolean isInt(String s, int from) {
        int i = from;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i == s.length()) {
            return false;
        }
        long value = 0;
        for (; i < s.length(); i++) {
            int digit = Character.digit(s.charAt(i), 10); // parseInt's reading: any Unicode decimal digit
            if (digit < 0) {
                return false;
            }
            value = value * 10 + digit;
            if (value > (negative ? -(long) Integer.MIN_VALUE : Integer.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #printable(String)} of the decoder's reason. */
    static String printable(Throwable cause) {
        return printable(cause.getMessage() == null ? "unreadable" : cause.getMessage());
    }

    /**
     * The decoder's reason, which may quote the client's bytes: printable ASCII only (anything else as {@code ?}), and
     * at most {@link #MAX_CAUSE_CHARS} characters.
     */
    static String printable(String message) {
        StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_CAUSE_CHARS + 3));
        for (int i = 0; i < message.length(); i++) {
            if (out.length() == MAX_CAUSE_CHARS) {
                return out.append("...").toString();
            }
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
