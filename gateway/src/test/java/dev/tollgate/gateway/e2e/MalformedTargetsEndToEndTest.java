package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.RawTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request target that is not a URI at all is refused like every other bad path: 400 problem+json
 * {@code request.path}, a decision-log line, nothing forwarded. Spring refuses these before any filter with a bare 400
 * and no trace; the variants are each class of such target (malformed escapes, characters RFC 3986 never allows
 * unescaped, raw bytes that are control characters in ASCII or control or space characters in ISO-8859-1, a second
 * {@code #}) in each place a target
 * has (a path's middle and end, a query's name and value, an absolute-form target), sent as raw bytes so that no
 * client library repairs them on the way.
 */
class MalformedTargetsEndToEndTest extends GatewayTestBase {

    private static final String[] PIECES = {"%", "%2", "%G0", "%0G", "%%41", "%-1", "%\u00e9", "\"", "<", ">", "\\",
        "^", "`", "{", "|", "}", "\u0001", "\u007f", "\u0080", "\u009f", "\u00a0", "#a#b"};

    static Stream<String> targets() {
        List<String> targets = new ArrayList<>();
        for (String p : PIECES) {
            targets.add("/api/acme/orders/42" + p);
            targets.add("/api/acme/x" + p + "/orders/42");
            targets.add("/api/acme/orders/42?" + p + "=1");
            targets.add("/api/acme/orders/42?status=" + p);
            targets.add("http://localhost/api/acme/orders/42" + p);
        }
        targets.add("/api/acme/orders/[42]"); // brackets are allowed in a query only
        return targets.stream().filter(t -> !t.endsWith("?#a#b=1")); // '#' ends the query: that is the '=1' case
    }

    /**
     * Every byte above ASCII, raw in the path: those that are control or space characters in ISO-8859-1 are not a URI
     * (above), the others are a URI with a character RFC 3986 requires escaped ({@link RequestPathsEndToEndTest}'s
     * rule). Either way a 400 that says so, and nothing forwarded.
     */
    @ParameterizedTest
    @MethodSource("rawBytes")
    void everyRawByteAboveAsciiIsRefusedWithItsReason(String target) throws Exception {
        int served = fixture.upstream.getAllServeEvents().size();
        RawTls.Answer r = RawTls.exchange(port, fixture.checkout, RawTls.get(target,
                Map.of("Authorization", "Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign())));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":\"request.path\"");
        assertThat(fixture.upstream.getAllServeEvents()).as("nothing reached the upstream").hasSize(served);
    }

    static Stream<String> rawBytes() {
        return java.util.stream.IntStream.range(0x80, 0x100).mapToObj(b -> "/api/acme/orders/4" + (char) b + "2");
    }

    @ParameterizedTest
    @MethodSource("targets")
    void aTargetThatIsNotAUriIsRefusedAsAProblemWithItsDecisionLine(String target) throws Exception {
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        int served = fixture.upstream.getAllServeEvents().size();

        RawTls.Answer r = RawTls.exchange(port, fixture.checkout,
                RawTls.get(target, Map.of("Authorization", "Bearer " + token)));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.body()).contains("\"code\":\"request.path\"").doesNotContain("Exception");
        assertThat(fixture.upstream.getAllServeEvents()).as("nothing reached the upstream").hasSize(served);
        String decisionId = r.problemDecisionId();
        DecisionEvent event = decisions.await(decisionId);
        assertThat(event.effect()).isEqualTo("DENY");
        assertThat(event.status()).isEqualTo(400);
        assertThat(event.reason()).isEqualTo("request.path");
        assertThat(event.errors()).singleElement().asString().startsWith("the request target");
    }

    /**
     * Spring's URI holds the Host too: a Host in brackets that is no IPv6 address is refused the same way. (An
     * unclosed bracket, {@code [::1}, is a port Reactor Netty cannot read: UndecodableRequestsEndToEndTest.)
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"[::g]", "[1:2:3]", "[::1]]"})
    void aHostThatCannotBePartOfAUriIsRefusedAsAProblemWithItsDecisionLine(String host) throws Exception {
        int served = fixture.upstream.getAllServeEvents().size();
        RawTls.Answer r = RawTls.exchange(port, fixture.checkout, RawTls.request("/api/acme/orders/42", host,
                Map.of("Authorization", "Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign()), true));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(fixture.upstream.getAllServeEvents()).as("nothing reached the upstream").hasSize(served);
        String decisionId = r.problemDecisionId();
        assertThat(decisions.await(decisionId).errors()).singleElement().asString()
                .startsWith("the request's Host or forwarded prefix cannot be part of a URI");
    }

    /** The refusal is an answer like any other: the connection carries the client's next request. */
    @org.junit.jupiter.api.Test
    void theConnectionServesTheNextRequestAfterARefusal() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + fixture.token(GatewayFixture.CHECKOUT).sign());
        byte[] bad = RawTls.request("/api/acme/orders/4%G0", "localhost", auth, false);
        byte[] good = RawTls.request("/api/acme/orders/42", "localhost", auth, true);
        byte[] both = java.util.Arrays.copyOf(bad, bad.length + good.length);
        System.arraycopy(good, 0, both, bad.length, good.length);

        List<RawTls.Answer> answers = RawTls.exchange(port, fixture.checkout, both, 2);

        assertThat(answers.get(0).status()).isEqualTo(400);
        assertThat(answers.get(0).body()).contains("malformed escape pair at index 18");
        assertThat(answers.get(1).status()).as(answers.get(1).body()).isEqualTo(200);
    }
}
