package dev.tollgate.perf.jmh;

import dev.tollgate.policy.PolicyEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The small acme policy the request-path and AuthZEN benchmarks decide with: one permit, one forbid. */
final class BenchPolicies {

    private BenchPolicies() {
    }

    static PolicyEngine acme(Path dir) throws IOException {
        Path policies = Files.createDirectories(dir.resolve("policies/acme"));
        Files.writeString(policies.resolve("tenant.yaml"), "tenant: acme\ntrust-domains: [acme.bench]\n"
                + "resources: [/api/acme/]\n");
        Files.writeString(policies.resolve("rules.yaml"), """
                tenant: acme
                rules:
                  - id: reads
                    effect: permit
                    principal: { exact: "spiffe://acme.bench/ns/shop/sa/checkout" }
                    action: [GET]
                    resource: /api/acme/orders/{id}
                  - id: no-deletes
                    effect: forbid
                    action: [DELETE]
                    resource: /api/acme/**
                """);
        return PolicyEngine.load(dir.resolve("policies"), Clock.systemUTC());
    }
}
