package dev.tollgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MalformedTargetRouteTest {

    /** The one-scan answer is only ever "fine" for a target that java.net.URI, as Spring calls it, takes. */
    @Test
    void theFastScanNeverPassesATargetThatIsNotAUri() {
        SplittableRandom random = new SplittableRandom(20261206);
        String alphabet = "aZ09/?#%%%GgFf-._~!$&'()*+,;=:@[]\"<>\\^`{|} \t\u0000\u007f\u0080\u009f\u00a0\u00e9\u4e2d";
        int plain = 0;
        for (int i = 0; i < 500_000; i++) {
            StringBuilder b = new StringBuilder("/");
            for (int n = random.nextInt(12); n > 0; n--) {
                b.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : alphabet.charAt(random.nextInt(24)));
            }
            String target = b.toString();
            if (MalformedTargetRoute.plain(target)) {
                plain++;
                assertThat(parses("http://localhost" + target)).as(target).isTrue();
            }
            assertThat(MalformedTargetRoute.refusal(target) == null).as(target)
                    .isEqualTo(parses("http://localhost" + target));
        }
        assertThat(plain).as("the scan decides most targets alone").isGreaterThan(100_000);
    }

    @Test
    void theRefusalSaysWhatAndWhereInTheTargetAsSent() {
        assertThat(MalformedTargetRoute.refusal("/orders/4%G0"))
                .isEqualTo("the request target is not a URI: malformed escape pair at index 9");
        assertThat(MalformedTargetRoute.refusal("/orders/a|b"))
                .isEqualTo("the request target is not a URI: illegal character in path at index 9");
        assertThat(MalformedTargetRoute.refusal("http://localhost/orders/a|b"))
                .isEqualTo("the request target is not a URI: illegal character in path at index 25");
        assertThat(MalformedTargetRoute.refusal("a|b"))
                .isEqualTo("the request target is not a URI: illegal character in path at index 1");
        assertThat(MalformedTargetRoute.refusal("/orders/42?filter[status]=open")).isNull();
        assertThat(MalformedTargetRoute.refusal("*")).isNull();
    }

    private static boolean parses(String uri) {
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
