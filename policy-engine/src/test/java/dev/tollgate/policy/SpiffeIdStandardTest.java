package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SPIFFE ID rules as the standard (spiffe/spiffe, standards/SPIFFE-ID.md §2) states them and go-spiffe's
 * {@code spiffeid} tests exercise them, restated as tables: the scheme, the trust domain's and the path's character
 * sets (every ASCII character, and some beyond, in both places), the structural rules, and the workload rule (X509-SVID
 * §2, JWT-SVID §3: a workload's ID has a path).
 */
class SpiffeIdStandardTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "spiffe://trustdomain/path                | workload",
        "spiffe://trustdomain/path/to/workload    | workload",
        "spiffe://trust-domain_1.example/Pa.th-_1 | workload",
        "spiffe://trustdomain                     | root",
        "spiffe://a/b                             | workload",
        "''                                       | invalid",
        "spiffe                                   | invalid",
        "spiffe:                                  | invalid",
        "spiffe:/                                 | invalid",
        "spiffe://                                | invalid",
        "spiffe:///path                           | invalid",
        "SPIFFE://trustdomain/path                | invalid",
        "Spiffe://trustdomain/path                | invalid",
        "https://trustdomain/path                 | invalid",
        "spiffe:trustdomain/path                  | invalid",
        "spiffe://Trustdomain/path                | invalid",
        "spiffe://trustdomain:8080/path           | invalid",
        "spiffe://user@trustdomain/path           | invalid",
        "spiffe://user:pass@trustdomain/path      | invalid",
        "spiffe://trustdomain?query               | invalid",
        "spiffe://trustdomain#fragment            | invalid",
        "spiffe://trustdomain/path?query          | invalid",
        "spiffe://trustdomain/path#fragment       | invalid",
        "spiffe://trustdomain/                    | invalid",
        "spiffe://trustdomain//                   | invalid",
        "spiffe://trustdomain//path               | invalid",
        "spiffe://trustdomain/path/               | invalid",
        "spiffe://trustdomain/path//workload      | invalid",
        "spiffe://trustdomain/.                   | invalid",
        "spiffe://trustdomain/..                  | invalid",
        "spiffe://trustdomain/./path              | invalid",
        "spiffe://trustdomain/../path             | invalid",
        "spiffe://trustdomain/path/.              | invalid",
        "spiffe://trustdomain/path/..             | invalid",
        "spiffe://trustdomain/...                 | workload",
        "spiffe://trustdomain/.a                  | workload",
        "spiffe://trustdomain/%2e%2e              | invalid",
        "spiffe://trustdomain/pa%20th             | invalid",
        "spiffe://[::1]/path                      | invalid",
        "spiffe://127.0.0.1/path                  | workload",
        "' spiffe://trustdomain/path'             | invalid",
    })
    void theStandardsExamples(String id, String expected) {
        assertThat(kind(id)).as(id).isEqualTo(expected);
    }

    static Stream<Arguments> everyCharacter() {
        return Stream.concat(IntStream.range(0, 128).boxed(), Stream.of(0xa0, 0xe9, 0x131, 0x3b1, 0x455, 0x2028,
                0xff0f, 0x1f600)).map(Arguments::of);
    }

    @ParameterizedTest(name = "U+{0}")
    @MethodSource("everyCharacter")
    void everyCharacterInTheTrustDomainAndThePath(int codePoint) {
        String c = new String(Character.toChars(codePoint));
        boolean trustDomainChar = codePoint < 128 && (Character.isDigit(codePoint) || codePoint >= 'a' && codePoint <= 'z'
                || c.equals(".") || c.equals("-") || c.equals("_"));
        boolean pathChar = trustDomainChar || codePoint >= 'A' && codePoint <= 'Z';
        String inTrustDomain = "spiffe://a" + c + "b/path";
        String inPath = "spiffe://trustdomain/a" + c + "b";
        if (c.equals("/")) {
            assertThat(kind(inTrustDomain)).isEqualTo("workload"); // "spiffe://a/b/path": the domain is just "a"
            assertThat(kind(inPath)).isEqualTo("workload");
            return;
        }
        assertThat(kind(inTrustDomain)).as("U+%04X in a trust domain", codePoint)
                .isEqualTo(trustDomainChar ? "workload" : "invalid");
        assertThat(kind(inPath)).as("U+%04X in a path segment", codePoint).isEqualTo(pathChar ? "workload" : "invalid");
    }

    @ParameterizedTest(name = "length {0}")
    @CsvSource({"255, workload", "256, invalid"})
    void aTrustDomainIsAtMost255Characters(int length, String expected) {
        assertThat(kind("spiffe://" + "a".repeat(length) + "/p")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "length {0}")
    @CsvSource({"2048, workload", "2049, invalid"})
    void anIdIsAtMost2048Characters(int length, String expected) {
        String prefix = "spiffe://td/";
        assertThat(kind(prefix + "a".repeat(length - prefix.length()))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"spiffe://trustdomain", "spiffe://x.y.z"})
    void theTrustDomainsOwnIdIsNeverAWorkload(String root) {
        assertThat(SpiffeId.parse(root).isWorkload()).isFalse();
        assertThatThrownBy(() -> SpiffeId.workload(root)).hasMessageContaining("must have a path");
    }

    /** {@code workload}, {@code root} (valid, no path) or {@code invalid}. */
    static String kind(String id) {
        try {
            return SpiffeId.parse(id).isWorkload() ? "workload" : "root";
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
    }
}
