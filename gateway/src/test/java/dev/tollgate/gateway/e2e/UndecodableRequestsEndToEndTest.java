package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.RawTls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request head the HTTP decoder cannot read is refused like every other bad request: problem+json with its reason,
 * a decision-log line, nothing forwarded, the connection closed. Reactor Netty answered these below every route with an
 * empty 400/414/431 and no trace. The variants are the classes of head a hostile or broken client sends — a request
 * line or a header section past its bound (one long header, many short ones), a header name with a byte outside
 * RFC 9110's token, whitespace before the colon, a request line that is not three parts, an unknown protocol,
 * {@code Content-Length} that is not a number or disagrees with itself, a {@code Host}
 * whose port is not a number (Reactor Netty's refusal, below Spring like the decoder's) — each with a
 * valid credential, so that only the head's shape can be why it is refused.
 */
class UndecodableRequestsEndToEndTest extends GatewayTestBase {

    private static String head(String requestLine, String... headers) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\nHost: localhost\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.toString();
    }

    static Stream<Arguments> heads() {
        List<Arguments> cases = new ArrayList<>();
        String ok = "GET /api/acme/orders/42 HTTP/1.1";
        cases.add(Arguments.of("request line past 4 KiB", 414, "request.target-too-long",
                head("GET /api/acme/orders/42?q=" + "a".repeat(5000) + " HTTP/1.1")));
        cases.add(Arguments.of("one header past 16 KiB", 431, "request.headers-too-large",
                head(ok, "X-Big: " + "b".repeat(17_000))));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add("X-Many-" + i + ": " + "m".repeat(40));
        }
        cases.add(Arguments.of("many headers past 16 KiB", 431, "request.headers-too-large",
                head(ok, many.toArray(String[]::new))));
        for (char c : new char[] {'(', ')', '<', '>', '@', ',', ';', '\\', '"', '/', '[', ']', '?', '=', '{', '}',
            ' ', '\u0001', '\u007f', '\u00e9'}) {
            cases.add(Arguments.of("header name with 0x" + Integer.toHexString(c), 400, "request.malformed",
                    head(ok, "X-Bad" + c + "Name: 1")));
        }
        cases.add(Arguments.of("whitespace before the colon", 400, "request.malformed", head(ok, "X-Foo : 1")));
        cases.add(Arguments.of("tab before the colon", 400, "request.malformed", head(ok, "X-Foo\t: 1")));
        cases.add(Arguments.of("Content-Length not a number", 400, "request.malformed",
                head(ok, "Content-Length: abc")));
        cases.add(Arguments.of("Content-Length negative", 400, "request.malformed", head(ok, "Content-Length: -1")));
        cases.add(Arguments.of("two Content-Lengths that disagree", 400, "request.malformed",
                head(ok, "Content-Length: 1", "Content-Length: 2")));
        cases.add(Arguments.of("Content-Length list that disagrees", 400, "request.malformed",
                head(ok, "Content-Length: 1, 2")));
        cases.add(Arguments.of("request line of two parts", 400, "request.malformed", head("GET /api/acme/orders/42")));
        cases.add(Arguments.of("unknown protocol", 400, "request.malformed", head("GET /api/acme/orders/42 FOO/1.1")));
        for (String host : new String[] {"localhost:x", "localhost:", "localhost:+", "localhost:99999999999", "[::1",
            "[::1]:x", "a:b:c"}) {
            cases.add(Arguments.of("Host " + host, 400, "request.malformed",
                    "GET /api/acme/orders/42 HTTP/1.1\r\nHost: " + host + "\r\n"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void aHeadTheDecoderCannotReadIsRefusedAsAProblemWithItsDecisionLine(String name, int status, String reason,
                                                                          String head) throws Exception {
        int served = fixture.upstream.getAllServeEvents().size();
        String auth = "Authorization: Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign() + "\r\n\r\n";

        RawTls.Answer r = RawTls.exchange(port, fixture.checkout, (head + auth).getBytes(StandardCharsets.ISO_8859_1));

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(r.body()).contains("\"code\":\"" + reason + "\"").contains("\"status\":" + status)
                .doesNotContain("Exception");
        assertThat(fixture.upstream.getAllServeEvents()).as("nothing reached the upstream").hasSize(served);
        DecisionEvent event = decisions.await(r.problemDecisionId());
        assertThat(event.effect()).isEqualTo("DENY");
        assertThat(event.status()).isEqualTo(status);
        assertThat(event.reason()).isEqualTo(reason);
        assertThat(event.errors()).singleElement().asString().doesNotContain("\u0001").doesNotContain("\r");
    }

    /**
     * Behind a request still being answered on the same connection (pipelining), a head that cannot be read is left to
     * Reactor Netty, which answers in order: the first request's answer comes first, then the refusal.
     */
    @Test
    void aPipelinedHeadBehindARequestInFlightIsAnsweredInTurn() throws Exception {
        String auth = "Authorization: Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign() + "\r\n\r\n";
        String good = head("GET /api/acme/orders/42 HTTP/1.1") + auth;
        String bad = head("GET /api/acme/orders/42 HTTP/1.1", "X-Foo : 1") + auth;

        List<RawTls.Answer> answers = RawTls.exchange(port, fixture.checkout,
                (good + bad).getBytes(StandardCharsets.ISO_8859_1), 2);

        assertThat(answers.get(0).status()).as(answers.get(0).body()).isEqualTo(200);
        assertThat(answers.get(1).status()).isEqualTo(400);
    }

    /** After a request answered in full, the connection's next head that cannot be read gets the problem answer. */
    @Test
    void aHeadAfterAnAnsweredRequestIsRefusedAsAProblem() throws Exception {
        String auth = "Authorization: Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign() + "\r\n\r\n";
        byte[] good = (head("GET /api/acme/orders/42 HTTP/1.1") + auth).getBytes(StandardCharsets.ISO_8859_1);
        byte[] bad = (head("GET /api/acme/orders/42 HTTP/1.1", "X-Foo : 1") + auth)
                .getBytes(StandardCharsets.ISO_8859_1);
        try (RawTls.Connection connection = RawTls.connect(port, fixture.checkout)) {
            assertThat(connection.exchange(good).status()).isEqualTo(200);
            RawTls.Answer refused = connection.exchange(bad);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("\"code\":\"request.malformed\"");
        }
    }
}
