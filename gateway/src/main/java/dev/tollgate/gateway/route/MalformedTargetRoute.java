package dev.tollgate.gateway.route;

import dev.tollgate.gateway.problem.ProblemResponses;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Answers a request Spring cannot make a {@link URI} of (a target with {@code %G0}, a lone {@code %}, a raw {@code |},
 * {@code ^} or C1 control byte; a Host that is a broken IPv6 literal) as every other refusal is answered: 400
 * problem+json {@code request.path}, with a decision-log line and a metric. Spring builds that URI for every request
 * before any filter runs and answers one it cannot build with a bare 400 that leaves no trace; so this is a Reactor
 * Netty route in front of Spring's handler (Boot's {@code NettyRouteProvider}), which only such requests take.
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

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final PathRefusals refusals;

    public MalformedTargetRoute(PathRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addRouteProviders(routes -> routes.route(r -> refusal(r) != null, this::refuse));
    }

    private Publisher<Void> refuse(HttpServerRequest request, HttpServerResponse response) {
        String refusal = refusal(request);
        String id = refusals.record(request.method().name(), loggedPath(request.uri()), refusal);
        byte[] body = ProblemResponses.body(PathRefusals.rejection(refusal), id).getBytes(StandardCharsets.UTF_8);
        return response.status(HttpResponseStatus.BAD_REQUEST)
                .header(HttpHeaderNames.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON.toString())
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body));
    }

    /**
     * Why Spring cannot make a URI of this request, or {@code null} when it can. A target of RFC 3986's plain
     * characters and well-formed escapes, with a host name (no IPv6 literal) and no forwarded prefix, is decided by one
     * scan; any other request is given to Spring's own URI construction ({@link SpringUri}), so the answer is Spring's.
     */
    static String refusal(HttpServerRequest request) {
        String target = request.uri();
        String host = request.hostName();
        if (plain(target) && (host == null || host.indexOf(':') < 0) && request.forwardedPrefix() == null) {
            return null;
        }
        try {
            SpringUri.create(request);
            return null;
        } catch (URISyntaxException e) {
            return describe(e, target);
        }
    }

    /** What is wrong, and where in the target as sent when the fault is in it rather than in the Host. */
    private static String describe(URISyntaxException e, String target) {
        String tail = springTail(target);
        // Spring's input ends with the tail; the tail is the target's end, or the target behind a '/'.
        int inTail = e.getIndex() - (e.getInput().length() - tail.length());
        String reason = e.getReason().toLowerCase(Locale.ROOT);
        if (e.getIndex() < 0 || inTail < 0) {
            return "the request's Host or forwarded prefix cannot be part of a URI: " + reason;
        }
        return "the request target is not a URI: " + reason + " at index "
                + Math.max(0, inTail + target.length() - tail.length());
    }

    /** Whether one scan shows the target is a URI Spring can make (the path every ordinary request takes). */
    public static boolean plain(String target) {
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

    /**
     * The target's path for the decision log: the path Spring would have read (an absolute-form target's scheme and
     * authority, userinfo included, are left out), before any query or fragment, with every character outside
     * printable ASCII escaped, so that a C1 control such as NEL cannot break the log's lines.
     */
    static String loggedPath(String target) {
        String path = springTail(target);
        StringBuilder logged = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                break;
            }
            if (c > 0x20 && c < 0x7f) {
                logged.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(c < 0x100 ? StandardCharsets.ISO_8859_1
                        : StandardCharsets.UTF_8)) {
                    logged.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
        }
        return logged.toString();
    }
}
