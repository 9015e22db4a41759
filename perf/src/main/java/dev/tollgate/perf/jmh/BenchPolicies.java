package dev.tollgate.perf.jmh;

import dev.tollgate.policy.PolicyEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The small acme policies the benchmarks decide with: one permit, one forbid each. */
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

    /** An MCP server's tools: a permit with a condition over the call's arguments, a forbid (McpBenchmark). */
    static PolicyEngine mcp(Path dir) throws IOException {
        Path policies = Files.createDirectories(dir.resolve("policies/acme"));
        Files.writeString(policies.resolve("tenant.yaml"), "tenant: acme\ntrust-domains: [acme.bench]\n"
                + "resources: [/mcp/]\n");
        Files.writeString(policies.resolve("rules.yaml"), """
                tenant: acme
                rules:
                  - id: forecasts
                    effect: permit
                    principal: { pattern: "spiffe://acme.bench/ns/*/sa/*" }
                    action: [tools/call]
                    resource: /mcp/weather/tools/get_forecast
                    when: "has(mcp.arguments.city) && mcp.arguments.city != 'Atlantis'"
                  - id: no-resets
                    effect: forbid
                    action: [tools/call]
                    resource: /mcp/weather/tools/admin_reset
                """);
        return PolicyEngine.load(dir.resolve("policies"), Clock.systemUTC());
    }
}
