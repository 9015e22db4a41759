package dev.tollgate.policy.cli;

import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.PolicyLoadException;
import dev.tollgate.policy.testing.PolicyTestRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The operator's command line: {@code check <policies>} validates a policy folder; {@code test <policies> <tests>}
 * runs policy tests. Exit code 0 when all is well, 1 on failures, 2 on usage or load errors.
 */
public final class PolicyCli {

    private PolicyCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length >= 2 && args[0].equals("check")) {
            try {
                PolicyEngine engine = PolicyEngine.load(Path.of(args[1]), Clock.systemUTC());
                System.out.println("ok: " + engine.revisions());
                return 0;
            } catch (PolicyLoadException e) {
                System.out.println("invalid: " + e.getMessage());
                return 2;
            }
        }
        if (args.length >= 3 && args[0].equals("test")) {
            List<PolicyTestRunner.Result> results;
            try {
                results = PolicyTestRunner.run(Path.of(args[1]), Path.of(args[2]));
            } catch (PolicyLoadException e) {
                System.out.println("invalid policy: " + e.getMessage());
                return 2;
            }
            long failed = results.stream().filter(r -> !r.passed()).count();
            for (PolicyTestRunner.Result r : results) {
                System.out.println((r.passed() ? "PASS " : "FAIL ") + r.name() + "  (" + r.detail() + ")");
            }
            System.out.println((results.size() - failed) + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }
        System.out.println("usage: PolicyCli check <policies-dir> | test <policies-dir> <tests-dir>");
        return 2;
    }
}
