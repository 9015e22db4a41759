package dev.tollgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pieces of a refused head that come from the client: bounded and printable, and the Host ports Netty cannot read. */
class UndecodableRequestsTest {

    @Test
    void theDecodersReasonIsPrintableAsciiAndBounded() {
        assertThat(UndecodableRequests.printable("name 'a\u0001b\r\n\u00e9\u2028'")).isEqualTo("name 'a?b????'");
        String longReason = UndecodableRequests.printable("x".repeat(10_000));
        assertThat(longReason).hasSize(UndecodableRequests.MAX_CAUSE_CHARS + 3).endsWith("...");
        assertThat(UndecodableRequests.printable("x".repeat(UndecodableRequests.MAX_CAUSE_CHARS)))
                .hasSize(UndecodableRequests.MAX_CAUSE_CHARS);
    }

    /** What Reactor Netty's Host reading accepts (null) and what it throws on (the port as read). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "localhost|null", "localhost:8443|null", "[::1]|null", "[::1]:8443|null", "127.0.0.1:1|null",
        "localhost:x|x", "localhost:|(empty)", "[::1|:1", "[::1]:|(empty)", "a:b:c|b:c", "h:99999999999|99999999999",
        "'h: 1'|' 1'"})
    void aHostPortIsReadAsReactorNettyReadsIt(String host, String bad) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", host);
        assertThat(UndecodableRequests.badHostPort(request)).isEqualTo(bad);
    }

    /** The allocation-free reading agrees with Integer.parseInt on every class of port text. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "0", "8443", "+80", "-1", "+", "-", "1a", "a1", " 1",
        "1 ", "2147483647", "2147483648", "-2147483648", "-2147483649", "99999999999", "00000000000000000000001",
        "\u0661", "1.0", "0x1F", "++1"})
    void aPortIsAnIntExactlyWhenParseIntTakesIt(String port) {
        boolean parses;
        try {
            Integer.parseInt(port);
            parses = true;
        } catch (NumberFormatException e) {
            parses = false;
        }
        assertThat(UndecodableRequests.isInt("h:" + port, 2)).as(port).isEqualTo(parses);
    }
}
