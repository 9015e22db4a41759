package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegated calls (RFC 8693 {@code act}) and MCP calls in the policy language: a rule without {@code actor:} never
 * applies to a delegated call, so no policy written before delegation existed lets an agent in on someone's behalf.
 */
class DelegationAndMcpPolicyTest {

    @TempDir
    Path dir;

    private static final String USER = "alice";
    private static final String IDP = "https://idp.acme.test";
    private static final String AGENT = "spiffe://acme.test/agents/planner";
    private static final String BROKER = "spiffe://acme.test/agents/broker";
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private PolicyEngine engine(String rules) throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/tenant.yaml"), """
                tenant: acme
                trust-domains: [acme.test]
                issuers: ["%s"]
                resources: [/api/, /mcp/]
                """.formatted(IDP));
        Files.writeString(dir.resolve("acme/rules.yaml"), rules);
        return PolicyEngine.load(dir, Clock.systemUTC());
    }

    private static Principal user(List<String> actors) {
        return new Principal(USER, null, "acme", IDP, Map.of(), Set.of(CredentialKind.JWT), actors);
    }

    private static AccessRequest request(Principal p, String action, String resource, Map<String, Object> context) {
        return new AccessRequest("acme", p, action, resource, Map.of(), Map.of(), context, NOW);
    }

    @Test
    void aRuleWithoutActorAppliesToDirectCallsOnlyWhateverTheChain() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: alice-reads
                    effect: permit
                    principal: { issuer: "%s", exact: alice }
                    action: GET
                    resource: /api/**
                """.formatted(IDP));
        assertThat(e.authorize(request(user(List.of()), "GET", "/api/x", Map.of())).allowed()).isTrue();
        // Generated chains: any actor, any depth, SPIFFE or not, even alice acting for herself.
        Random random = new Random(8693);
        List<String> names = List.of(AGENT, BROKER, USER, "spiffe://other.test/x", "svc", "");
        for (int i = 0; i < 200; i++) {
            List<String> chain = new ArrayList<>();
            int depth = 1 + random.nextInt(4);
            for (int d = 0; d < depth; d++) {
                chain.add(names.get(random.nextInt(names.size())));
            }
            assertThat(e.authorize(request(user(chain), "GET", "/api/x", Map.of())).allowed())
                    .as("chain %s", chain).isFalse();
        }
    }

    @Test
    void actorMatchersAnyAndForbidsOverride() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: agents-for-alice
                    effect: permit
                    principal: { issuer: "%s", exact: alice }
                    actor: { pattern: "spiffe://acme.test/agents/*" }
                    action: GET
                    resource: /api/**
                  - id: anyone-for-alice-reads-public
                    effect: permit
                    principal: { issuer: "%s", exact: alice }
                    actor: any
                    action: GET
                    resource: /api/public/**
                  - id: no-broker-on-payroll
                    effect: forbid
                    actor: { exact: "%s" }
                    resource: /api/payroll/**
                  - id: chains-of-at-most-two
                    effect: forbid
                    actor: any
                    resource: /api/**
                    when: size(principal.actors) > 2
                """.formatted(IDP, IDP, BROKER));
        assertThat(e.authorize(request(user(List.of(AGENT)), "GET", "/api/orders", Map.of())).decidingRules())
                .containsExactly("agents-for-alice");
        assertThat(e.authorize(request(user(List.of("svc")), "GET", "/api/orders", Map.of())).allowed()).isFalse();
        assertThat(e.authorize(request(user(List.of("svc")), "GET", "/api/public/x", Map.of())).allowed()).isTrue();
        assertThat(e.authorize(request(user(List.of()), "GET", "/api/public/x", Map.of())).allowed())
                .as("actor: any is about delegated calls, not direct ones").isFalse();
        Decision payroll = e.authorize(request(user(List.of(BROKER)), "GET", "/api/payroll/q4", Map.of()));
        assertThat(payroll.allowed()).isFalse();
        assertThat(payroll.decidingRules()).containsExactly("no-broker-on-payroll");
        assertThat(e.authorize(request(user(List.of(AGENT, BROKER)), "GET", "/api/orders", Map.of())).allowed())
                .isTrue();
        assertThat(e.authorize(request(user(List.of(AGENT, BROKER, AGENT)), "GET", "/api/orders", Map.of()))
                .decidingRules()).containsExactly("chains-of-at-most-two");
    }

    /** A forbid written without delegation in mind still holds for every agent (review: a forbid bypass). */
    @Test
    void aForbidWithoutActorHoldsForDelegatedCallsToo() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: agents-for-alice
                    effect: permit
                    principal: { issuer: "%s", exact: alice }
                    actor: any
                    resource: /mcp/weather/tools/*
                  - id: nobody-deletes-cities
                    effect: forbid
                    action: [tools/call]
                    resource: /mcp/weather/tools/delete_city
                """.formatted(IDP));
        for (List<String> chain : List.of(List.of(AGENT), List.of(AGENT, BROKER), List.of("svc"))) {
            Decision d = e.authorize(request(user(chain), "tools/call", "/mcp/weather/tools/delete_city", Map.of()));
            assertThat(d.allowed()).as("%s", chain).isFalse();
            assertThat(d.decidingRules()).containsExactly("nobody-deletes-cities");
            assertThat(e.authorize(request(user(chain), "tools/call", "/mcp/weather/tools/get_forecast", Map.of()))
                    .allowed()).isTrue();
        }
    }

    @Test
    void conditionsReadTheChain() throws IOException {
        PolicyEngine simple = engine("""
                tenant: acme
                rules:
                  - id: planner
                    effect: permit
                    principal: { issuer: "%s", exact: alice }
                    actor: any
                    resource: /api/**
                    when: principal.delegated && principal.actor == "%s" && size(principal.actors) == 1
                """.formatted(IDP, AGENT));
        assertThat(simple.authorize(request(user(List.of(AGENT)), "GET", "/api/x", Map.of())).allowed()).isTrue();
        assertThat(simple.authorize(request(user(List.of(BROKER)), "GET", "/api/x", Map.of())).allowed()).isFalse();
        assertThat(simple.authorize(request(user(List.of(AGENT, BROKER)), "GET", "/api/x", Map.of())).allowed())
                .isFalse();
    }

    @Test
    void actorMustBeAnyOrAMatcher() {
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: r
                    effect: permit
                    actor: anyone
                    resource: /api/**
                """)).isInstanceOf(PolicyLoadException.class).hasMessageContaining("actor must be 'any'");
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: r
                    effect: permit
                    actor: { pattern: "spiffe://acme.test" }
                    resource: /api/**
                """)).isInstanceOf(PolicyLoadException.class).hasMessageContaining("trust domain itself");
    }

    @Test
    void mcpMethodsAreActionsAndArgumentsAreReadableButNeverCachedAcrossCalls() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: session
                    effect: permit
                    action: [initialize, notifications/initialized, tools/list, ping]
                    resource: /mcp/weather
                  - id: forecast-for-eu
                    effect: permit
                    action: tools/call
                    resource: /mcp/weather/tools/get_forecast
                    when: mcp.arguments.region in ["eu", "uk"]
                  - id: no-deletes
                    effect: forbid
                    action: tools/call
                    resource: /mcp/weather/tools/{tool}
                    when: resource.tool.startsWith("delete_")
                  - id: anything-else
                    effect: permit
                    action: tools/call
                    resource: /mcp/weather/tools/*
                    when: mcp.name != "get_forecast"
                """);
        Principal p = new Principal(AGENT, "acme.test", "acme", null, Map.of(), Set.of(CredentialKind.MTLS));
        assertThat(e.authorize(request(p, "tools/list", "/mcp/weather", Map.of())).allowed()).isTrue();
        Decision eu = e.authorize(request(p, "tools/call", "/mcp/weather/tools/get_forecast",
                Map.of("mcp", Map.of("method", "tools/call", "name", "get_forecast",
                        "arguments", Map.of("region", "eu")))));
        assertThat(eu.allowed()).isTrue();
        assertThat(eu.attributesRead()).contains("mcp.arguments");
        assertThat(e.authorize(request(p, "tools/call", "/mcp/weather/tools/get_forecast",
                Map.of("mcp", Map.of("method", "tools/call", "name", "get_forecast",
                        "arguments", Map.of("region", "us"))))).allowed()).isFalse();
        assertThat(e.authorize(request(p, "tools/call", "/mcp/weather/tools/delete_city",
                Map.of("mcp", Map.of("method", "tools/call", "name", "delete_city")))).allowed()).isFalse();
        // Listing: a tool some call could use is listed; one no call can use is not.
        Map<String, Object> listing = Map.of("mcp", Map.of("listing", true, "method", "tools/call",
                "name", "get_forecast"));
        assertThat(e.authorize(request(p, "tools/call", "/mcp/weather/tools/get_forecast", listing)).allowed())
                .isTrue();
        assertThat(e.authorize(request(p, "tools/call", "/mcp/weather/tools/delete_city",
                Map.of("mcp", Map.of("listing", true, "method", "tools/call", "name", "delete_city")))).allowed())
                .isFalse();
        Decision noArguments = e.authorize(request(p, "tools/call", "/mcp/weather/tools/get_forecast",
                Map.of("mcp", Map.of("method", "tools/call", "name", "get_forecast"))));
        assertThat(noArguments.allowed()).as("a call without the argument the permit needs").isFalse();
        assertThat(noArguments.errors()).extracting(EvaluationError::ruleId).containsExactly("forecast-for-eu");
    }
}
