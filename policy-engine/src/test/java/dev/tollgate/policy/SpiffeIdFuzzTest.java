package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Pattern;

/**
 * Fuzz target for the one SPIFFE ID parser (issue 12). In a normal build it runs over its seed inputs
 * ({@code src/test/resources/dev/tollgate/policy/SpiffeIdFuzzTestInputs}); {@code .ci/run} fuzzes it for a bounded
 * time with {@code JAZZER_FUZZ=1}. The parser must never fail other than by refusing, must agree with the standard's
 * grammar, and what it accepts must print back as the same string.
 */
class SpiffeIdFuzzTest {

    private static final Pattern WORKLOAD = Pattern.compile("spiffe://[a-z0-9._-]{1,255}(/[a-zA-Z0-9._-]+)+");

    @FuzzTest(maxDuration = "30s")
    void parse(String input) {
        boolean accepted;
        try {
            SpiffeId id = SpiffeId.workload(input);
            assertThat(id.toString()).isEqualTo(input);
            accepted = true;
        } catch (IllegalArgumentException refused) {
            accepted = false;
        }
        boolean reference = input != null && input.length() <= 2048 && WORKLOAD.matcher(input).matches()
                && java.util.Arrays.stream(input.substring(input.indexOf('/', 9) + 1).split("/"))
                        .noneMatch(s -> s.equals(".") || s.equals(".."));
        assertThat(accepted).as("parser and grammar agree on %s", input).isEqualTo(reference);
        assertThat(SpiffeId.isWorkload(input)).as("the one-pass check agrees on %s", input).isEqualTo(accepted);
        if (accepted) {
            PrincipalMatcher.SpiffePattern all = PrincipalMatcher.SpiffePattern.of("spiffe://"
                    + SpiffeId.workload(input).trustDomain() + "/**");
            assertThat(all.matches(new Principal(input, null, null, null, null, null))).isTrue();
        }
    }
}
