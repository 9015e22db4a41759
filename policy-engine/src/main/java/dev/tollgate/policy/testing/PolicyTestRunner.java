package dev.tollgate.policy.testing;

import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Policy tests, like {@code opa test}: YAML files of requests with the decision (and optionally the deciding rules)
 * each must get. Run by the build over {@code config/} and by {@code PolicyCli test} over any folder.
 * <pre>
 * tenant: acme
 * time: 2026-11-23T10:00:00Z           # default request time
 * cases:
 *   - name: checkout reads an order
 *     principal: { id: spiffe://acme.demo/ns/shop/sa/checkout, credentials: [mtls, jwt], claims: {} }
 *     # a delegated call: actors: [spiffe://acme.demo/agents/planner]   (current actor first)
 *     # an MCP call: action: tools/call, resource: /mcp/weather/tools/get_forecast,
 *     #              context: { mcp: { method: tools/call, name: get_forecast, arguments: { city: Lyon } } }
 *     action: GET
 *     resource: /api/acme/orders/42
 *     headers: { x-change-ticket: CHG-1 }
 *     expect: allow                      # or deny
 *     rules: [checkout-reads-orders]     # optional: the deciding rules, exactly
 * </pre>
 */
public final class PolicyTestRunner {

    /** One case's outcome. */
    public record Result(String file, String name, boolean passed, String detail) {
    }

    private PolicyTestRunner() {
    }

    public static List<Result> run(Path policies, Path tests) {
        PolicyEngine engine = PolicyEngine.load(policies, Clock.systemUTC());
        List<Result> results = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                results.addAll(runFile(engine, file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    @SuppressWarnings("unchecked")
    static List<Result> runFile(PolicyEngine engine, Path file) throws IOException {
        Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        String tenant = (String) doc.get("tenant");
        Instant defaultTime = doc.get("time") == null ? Instant.now() : instant(doc.get("time"));
        List<Result> results = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) doc.getOrDefault("cases", List.of())) {
            String name = String.valueOf(c.get("name"));
            try {
                Map<String, Object> p = (Map<String, Object>) c.get("principal");
                String id = (String) p.get("id");
                Set<CredentialKind> kinds = EnumSet.noneOf(CredentialKind.class);
                for (Object k : (List<Object>) p.getOrDefault("credentials", List.of("mtls", "jwt"))) {
                    kinds.add(CredentialKind.valueOf(k.toString().toUpperCase(Locale.ROOT).replace('-', '_')));
                }
                String trustDomain = id.startsWith("spiffe://") ? id.substring(9).split("/", 2)[0] : null;
                Principal principal = new Principal(id, trustDomain, (String) p.getOrDefault("tenant", tenant),
                        (String) p.get("issuer"), (Map<String, Object>) p.getOrDefault("claims", Map.of()), kinds,
                        (List<String>) p.getOrDefault("actors", List.of()));
                Instant time = c.get("time") == null ? defaultTime : instant(c.get("time"));
                AccessRequest request = new AccessRequest((String) c.getOrDefault("tenant", tenant), principal,
                        (String) c.get("action"), (String) c.get("resource"),
                        (Map<String, String>) c.getOrDefault("headers", Map.of()),
                        (Map<String, String>) c.getOrDefault("query", Map.of()),
                        (Map<String, Object>) c.getOrDefault("context", Map.of()), time);
                Decision d = engine.authorize(request);
                boolean expectAllow = "allow".equals(c.get("expect"));
                List<String> expectedRules = (List<String>) c.get("rules");
                String got = (d.allowed() ? "allow" : "deny") + " by " + d.decidingRules()
                        + (d.errors().isEmpty() ? "" : " errors " + d.errors());
                boolean ok = d.allowed() == expectAllow
                        && (expectedRules == null || Set.copyOf(expectedRules).equals(Set.copyOf(d.decidingRules())));
                results.add(new Result(file.toString(), name, ok, ok ? got : "expected " + c.get("expect")
                        + (expectedRules == null ? "" : " by " + expectedRules) + ", got " + got));
            } catch (RuntimeException e) {
                results.add(new Result(file.toString(), name, false, "malformed case: " + e));
            }
        }
        return results;
    }

    private static Instant instant(Object value) {
        return value instanceof java.util.Date d ? d.toInstant() : Instant.parse(value.toString());
    }
}
