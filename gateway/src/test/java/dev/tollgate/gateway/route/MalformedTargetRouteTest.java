package dev.tollgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServerRequest;

class MalformedTargetRouteTest {

    private static final String ALPHABET =
            "aZ09/?#%%%GgFf-._~!$&'()*+,;=:@[]\"<>\\^`{|} \t\u0000\u007f\u0080\u0085\u009f\u00a0\u00e9";
    private static final String[] HOSTS = {"localhost", "api.example", "::1", "[::1]", "[x]", "[::1", "::g", "1:2:3", "a b"};

    /** The oracle is Spring's own URI construction, not a copy of it: an upgrade that moves it fails here. */
    @Test
    void springsOwnUriConstructionIsTheOracle() {
        assertThat(SpringUri.isSpringsOwn()).isTrue();
    }

    /**
     * Over seeded random requests of every class (origin-form, absolute-form and other targets; host names, IPv6
     * literals good and bad): refused exactly when Spring cannot make a URI of the request. The one-scan answer is
     * the one that could go wrong, and it is the one most requests take.
     */
    @Test
    void refusedExactlyWhenSpringCannotMakeAUriOfTheRequest() {
        SplittableRandom random = new SplittableRandom(20261206);
        int scanned = 0;
        for (int i = 0; i < 200_000; i++) {
            String target = target(random);
            String host = random.nextInt(4) == 0 ? HOSTS[random.nextInt(HOSTS.length)] : "localhost";
            HttpServerRequest request = request(target, host);
            boolean springTakesIt;
            try {
                SpringUri.create(request);
                springTakesIt = true;
            } catch (URISyntaxException e) {
                springTakesIt = false;
            }
            assertThat(MalformedTargetRoute.refusal(request) == null).as("%s on host %s", target, host)
                    .isEqualTo(springTakesIt);
            if (MalformedTargetRoute.plain(target)) {
                scanned++;
            }
        }
        assertThat(scanned).as("the scan decides most targets alone").isGreaterThan(40_000);
    }

    @Test
    void theRefusalSaysWhatAndWhereInTheTargetAsSent() {
        assertThat(refusal("/orders/4%G0")).isEqualTo("the request target is not a URI: malformed escape pair at index 9");
        assertThat(refusal("/orders/a|b")).isEqualTo("the request target is not a URI: illegal character in path at index 9");
        assertThat(refusal("http://localhost/orders/a|b"))
                .isEqualTo("the request target is not a URI: illegal character in path at index 25");
        assertThat(refusal("a|b")).isEqualTo("the request target is not a URI: illegal character in path at index 1");
        assertThat(refusal("/orders/42?filter[status]=open")).isNull();
        assertThat(refusal("*")).isNull();
        assertThat(MalformedTargetRoute.refusal(request("/orders/42", "::g")))
                .startsWith("the request's Host or forwarded prefix cannot be part of a URI");
    }

    @Test
    void theLoggedPathIsThePathSpringWouldReadInPrintableAscii() {
        assertThat(MalformedTargetRoute.loggedPath("http://user:secret@host/a|b?x=1")).isEqualTo("/a|b");
        assertThat(MalformedTargetRoute.loggedPath("/a\u0085b\u00a0c#d")).isEqualTo("/a%85b%A0c");
        assertThat(MalformedTargetRoute.loggedPath("a%G0 b")).isEqualTo("/a%G0%20b");
    }

    private static String refusal(String target) {
        return MalformedTargetRoute.refusal(request(target, "localhost"));
    }

    private static String target(SplittableRandom random) {
        StringBuilder b = new StringBuilder(switch (random.nextInt(8)) {
            case 0 -> "http://localhost";
            case 1 -> "";
            default -> "/";
        });
        for (int n = random.nextInt(12); n > 0; n--) {
            // Mostly plain characters, so that the scan's own answers are tried often.
            b.append(ALPHABET.charAt(random.nextInt(random.nextInt(3) == 0 ? ALPHABET.length() : 24)));
        }
        return b.toString();
    }

    /** A Reactor Netty request with what Spring's URI construction reads, and nothing else. */
    private static HttpServerRequest request(String uri, String host) {
        return (HttpServerRequest) Proxy.newProxyInstance(HttpServerRequest.class.getClassLoader(),
                new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "uri" -> uri;
                    case "hostName" -> host;
                    case "hostPort" -> 8443;
                    case "scheme" -> "https";
                    case "forwardedPrefix" -> null;
                    case "toString" -> uri;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
