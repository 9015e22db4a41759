package dev.tollgate.gateway.route;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.problem.ProblemResponses;
import dev.tollgate.gateway.problem.RequestRejectedException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Answers a request whose target is not a URI at all ({@code %G0}, a lone {@code %}, a raw {@code |}, {@code ^} or
 * non-ASCII byte) as every other refusal is answered: 400 problem+json {@code request.path}, with a decision-log line
 * and a metric. Spring builds a {@link URI} for every request before any filter runs and answers one it cannot build
 * with a bare 400 that leaves no trace; so this is a Reactor Netty route in front of Spring's handler (Boot's
 * {@code NettyRouteProvider}), which only such requests take.
 */
public final class MalformedTargetRoute implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    /**
     * Characters that java.net.URI takes anywhere in a path or query, '%' aside: RFC 3986's pchar, and '?' (the first
     * starts the query, the others are query characters).
     */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PLAIN[c] = true;
            PLAIN[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PLAIN[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=:@/?".toCharArray()) {
            PLAIN[c] = true;
        }
    }

    /** What Spring puts before the target: any scheme and host, which this target's reading does not depend on. */
    private static final String BASE = "http://localhost";

    private final DecisionLog decisionLog;
    private final DecisionMetrics metrics;
    private final Clock clock;

    public MalformedTargetRoute(DecisionLog decisionLog, DecisionMetrics metrics, Clock clock) {
        this.decisionLog = decisionLog;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addRouteProviders(routes -> routes.route(r -> refusal(r.uri()) != null, this::refuse));
    }

    private Publisher<Void> refuse(HttpServerRequest request, HttpServerResponse response) {
        String refusal = refusal(request.uri());
        String id = DecisionIds.next();
        metrics.record(null, "DENY", RequestPathFilter.REASON, false);
        decisionLog.record(DecisionEvent.of(id, clock.instant()).outcome("DENY", 400, RequestPathFilter.REASON)
                .request(request.method().name(), path(request.uri())).errors(List.of(refusal)).build());
        byte[] body = ProblemResponses.body(RequestRejectedException.badRequest(RequestPathFilter.REASON, refusal), id)
                .getBytes(StandardCharsets.UTF_8);
        return response.status(HttpResponseStatus.BAD_REQUEST)
                .header(HttpHeaderNames.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON.toString())
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body));
    }

    /**
     * Why Spring could not make a URI of this request target, or {@code null} when it can. A target of RFC 3986's
     * plain characters and well-formed escapes is decided by one scan; any other is given to {@link URI}, as Spring
     * gives it, so the answer is Spring's.
     */
    static String refusal(String target) {
        if (plain(target)) {
            return null;
        }
        String tail = springTail(target);
        try {
            new URI(BASE + tail);
            return null;
        } catch (URISyntaxException e) {
            // The tail is the target's end, or the target behind a '/': the same sum maps an index back to it.
            int at = e.getIndex() - BASE.length() + target.length() - tail.length();
            return "the request target is not a URI: " + e.getReason().toLowerCase(java.util.Locale.ROOT)
                    + (e.getIndex() >= 0 && at >= 0 ? " at index " + at : "");
        }
    }

    static boolean plain(String target) {
        int n = target.length();
        if (n == 0 || target.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= n || !hex(target.charAt(i + 1)) || !hex(target.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c >= 128 || !PLAIN[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /**
     * The part of the target Spring appends to scheme and host (spring-web's {@code ReactorUriHelper}): an
     * absolute-form target ({@code http://host/path}) gives its path and query, any other is taken as a path.
     */
    static String springTail(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            if (c == ':' && target.startsWith("//", i + 1)) {
                for (int j = i + 3; j < target.length(); j++) {
                    char d = target.charAt(j);
                    if (d == '/' || d == '?' || d == '#') {
                        return target.substring(j);
                    }
                }
                return "";
            }
        }
        return !target.isEmpty() && target.charAt(0) != '/' ? "/" + target : target;
    }

    /** The target's path for the decision log: before any query, as sent. */
    private static String path(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
