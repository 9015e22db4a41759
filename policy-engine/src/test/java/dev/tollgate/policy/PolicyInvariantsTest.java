package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Property tests over generated policies and requests (seeded, so a failure reproduces): forbid overrides permit,
 * default deny, order independence, and the indexed evaluator agrees with the unindexed reference on every case.
 */
class PolicyInvariantsTest {

    private static final String[] SEGMENTS = {"a", "b", "c"};
    private static final String[] ACTIONS = {"GET", "POST", "DELETE"};
    private static final String[] PRINCIPALS = {"spiffe://t.test/ns/x/sa/one", "spiffe://t.test/ns/x/sa/two",
        "spiffe://t.test/ns/y/sa/one"};
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final int POLICIES = 300;
    private static final int REQUESTS_PER_POLICY = 40;

    @Test
    void invariantsHoldOnGeneratedPoliciesAndRequests() {
        Random random = new Random(20261122L);
        int allowed = 0;
        int denied = 0;
        for (int p = 0; p < POLICIES; p++) {
            List<Rule> rules = rules(random, 1 + random.nextInt(25));
            TenantPolicy policy = TenantPolicy.of("t", new Revision("r", null), Set.of("t.test"), Set.of(), List.of("/"),
                    false, rules);
            List<Rule> shuffled = new ArrayList<>(rules);
            Collections.shuffle(shuffled, random);
            TenantPolicy reordered = TenantPolicy.of("t", new Revision("r", null), Set.of("t.test"), Set.of(), List.of("/"),
                    false, shuffled);
            for (int q = 0; q < REQUESTS_PER_POLICY; q++) {
                AccessRequest request = request(random);
                Decision indexed = policy.decide(request);
                Decision reference = policy.decideUnindexed(request);
                assertThat(indexed.allowed()).as("indexed agrees with reference: %s %s", rules, request)
                        .isEqualTo(reference.allowed());
                assertThat(indexed.decidingRules()).isEqualTo(reference.decidingRules());

                Decision other = reordered.decide(request);
                assertThat(other.allowed()).as("order independence").isEqualTo(indexed.allowed());
                assertThat(other.decidingRules()).isEqualTo(indexed.decidingRules());

                List<Rule> applicable = rules.stream().filter(r -> applies(r, request)).toList();
                boolean anyForbid = applicable.stream().anyMatch(r -> r.effect() == Effect.FORBID);
                boolean anyPermit = applicable.stream().anyMatch(r -> r.effect() == Effect.PERMIT);
                if (anyForbid) {
                    assertThat(indexed.allowed()).as("forbid overrides permit").isFalse();
                    assertThat(indexed.decidingRules()).allMatch(id -> applicable.stream()
                            .anyMatch(r -> r.id().equals(id) && r.effect() == Effect.FORBID));
                } else if (!anyPermit) {
                    assertThat(indexed.allowed()).as("default deny").isFalse();
                    assertThat(indexed.decidingRules()).isEmpty();
                } else {
                    assertThat(indexed.allowed()).isTrue();
                }
                if (indexed.allowed()) {
                    allowed++;
                } else {
                    denied++;
                }
            }
        }
        assertThat(allowed).as("the generator exercises both outcomes").isGreaterThan(500);
        assertThat(denied).isGreaterThan(500);
    }

    /** The invariants' own, independent notion of "this rule applies". */
    private static boolean applies(Rule r, AccessRequest q) {
        return (r.actions().isEmpty() || r.actions().contains(q.action()))
                && r.principal().matches(q.principal())
                && r.resource().match(q.resource()) != null;
    }

    private static List<Rule> rules(Random random, int n) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Set<String> actions = random.nextInt(4) == 0 ? Set.of() : Set.of(ACTIONS[random.nextInt(ACTIONS.length)]);
            PrincipalMatcher principal = switch (random.nextInt(4)) {
                case 0 -> new PrincipalMatcher.Any();
                case 1 -> new PrincipalMatcher.Exact(PRINCIPALS[random.nextInt(PRINCIPALS.length)]);
                case 2 -> new PrincipalMatcher.Prefix("spiffe://t.test/ns/x/");
                default -> PrincipalMatcher.SpiffePattern.of("spiffe://t.test/ns/*/sa/one");
            };
            rules.add(new Rule("r" + i, random.nextInt(3) == 0 ? Effect.FORBID : Effect.PERMIT, principal, actions,
                    ResourcePattern.parse(pattern(random)), null, null, null, false, "gen"));
        }
        return rules;
    }

    private static String pattern(Random random) {
        int depth = 1 + random.nextInt(3);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            int k = random.nextInt(10);
            if (k == 0 && i == depth - 1) {
                b.append("/**");
            } else if (k == 1) {
                b.append("/*");
            } else if (k == 2) {
                b.append("/{v").append(i).append('}');
            } else {
                b.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
            }
        }
        return b.toString();
    }

    private static AccessRequest request(Random random) {
        int depth = 1 + random.nextInt(3);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            path.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        Principal p = new Principal(PRINCIPALS[random.nextInt(PRINCIPALS.length)], "t.test", "t", null, Map.of(),
                Set.of(CredentialKind.MTLS));
        return new AccessRequest("t", p, ACTIONS[random.nextInt(ACTIONS.length)], path.toString(), Map.of(),
                Map.of(), Map.of(), NOW);
    }
}
