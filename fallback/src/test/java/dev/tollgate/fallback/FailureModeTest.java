package dev.tollgate.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailureModeTest {

    @Test
    void aDegradeMustNameWhatItAllows() {
        assertThatThrownBy(() -> new FailureMode.Degrade(null, false, true, Set.of(), null))
                .hasMessageContaining("no 'allow everything'");
        assertThatThrownBy(() -> new FailureMode.Degrade(Duration.ZERO, false, false, Set.of(), null))
                .hasMessageContaining("> 0");
    }

    @Test
    void narrowingRulesRestrictMethodsAndPrincipals() {
        var degrade = new FailureMode.Degrade(Duration.ofMinutes(5), false, true, Set.of("spiffe://a/x"), null);
        assertThat(degrade.admits("GET", "spiffe://a/x")).isTrue();
        assertThat(degrade.admits("head", "spiffe://a/x")).isTrue();
        assertThat(degrade.admits("POST", "spiffe://a/x")).isFalse();
        assertThat(degrade.admits("GET", "spiffe://a/y")).isFalse();
        assertThat(new FailureMode.Degrade(Duration.ofMinutes(1), false, false, Set.of(), null)
                .admits("DELETE", "anyone")).isTrue();
    }

    @Test
    void theDefaultFailsClosedWithARetryAfter() {
        assertThat(FailureMode.FAIL_CLOSED).isInstanceOf(FailureMode.FailClosed.class);
        assertThat(FailureMode.FAIL_CLOSED.retryAfter()).isPositive();
        assertThat(new FallbackTaken("redis", DependencyUnavailableException.Reason.TIMEOUT, "served-stale-decision")
                .describe()).isEqualTo("degraded:served-stale-decision (redis timeout)");
    }
}
