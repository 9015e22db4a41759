package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.testing.PolicyTestRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build runs the policy tests that ship in config/ against the policies that ship there. */
class ConfigPolicyTestsTest {

    @Test
    void theShippedPoliciesPassTheirTests() {
        List<PolicyTestRunner.Result> results = PolicyTestRunner.run(Path.of("../config/policies"),
                Path.of("../config/policy-tests"));
        assertThat(results).hasSizeGreaterThan(10);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.name() + ": " + r.detail()).isTrue());
    }

    @Test
    void theAuthZenTodoExamplePassesItsTests() {
        List<PolicyTestRunner.Result> results = PolicyTestRunner.run(
                Path.of("../config/examples/authzen-todo/policies"),
                Path.of("../config/examples/authzen-todo/policy-tests"));
        assertThat(results).hasSizeGreaterThanOrEqualTo(6);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.name() + ": " + r.detail()).isTrue());
    }
}
