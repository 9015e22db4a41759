package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, class 1: no identity the engine accepts can fall between a forbid pattern and a permit. Seeded generators
 * produce hostile identities (root IDs, empty and dot segments, percent-encoding, query, fragment, port, userinfo,
 * uppercase, look-alike letters, over-long) and principal patterns; an independent regular-expression reference says
 * what is a workload ID and what a pattern means, and the engine must agree with it.
 */
class SpiffeIdentityPropertyTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final String TD = "t.test";
    /** The reference: the SPIFFE ID standard's grammar for a workload ID, written independently of {@link SpiffeId}. */
    private static final Pattern WORKLOAD = Pattern.compile("spiffe://[a-z0-9._-]{1,255}(/[a-zA-Z0-9._-]+)+");
    private static final String[] PIECES = {"ns", "prod", "sa", "api", "x", "a.b", "A-Z_0", "*", "**", ".", "..", "",
        "%2F", "%2e%2e", "a?b=c", "a#f", "a b", "é", "ѕ", "a\u0000", "a;b", ":", "@", "\t", "\u00a0"};
    private static final String[] AUTHORITIES = {TD, TD, TD, TD, "T.test", "t.test:443", "u@t.test", "t.test.",
        "t.tést", "", "other.test", "t.testx", "t.test%2F", "[::1]"};
    private static final String[] SCHEMES = {"spiffe://", "spiffe://", "spiffe://", "spiffe://", "SPIFFE://",
        "Spiffe://", "spiffe:/", "spiffe:", "spiffe:///"};

    @Test
    void theParserAgreesWithTheStandardsGrammarOnGeneratedIdentities() {
        Random random = new Random(12_2026L);
        int valid = 0;
        int invalid = 0;
        for (int i = 0; i < 20_000; i++) {
            String id = identity(random);
            boolean expected = referenceWorkload(id);
            assertThat(SpiffeId.isWorkload(id)).as("is %s a workload ID", printable(id)).isEqualTo(expected);
            if (expected) {
                assertThat(SpiffeId.workload(id).toString()).as("round trip").isEqualTo(id);
                valid++;
            } else {
                invalid++;
            }
        }
        assertThat(valid).as("the generator exercises both outcomes").isGreaterThan(2_000);
        assertThat(invalid).isGreaterThan(2_000);
    }

    @Test
    void noAcceptedIdentityFallsBetweenAForbidPatternAndAPermit() {
        Random random = new Random(20_261_202L);
        int allowed = 0;
        int deniedByForbid = 0;
        int refusedIdentities = 0;
        for (int p = 0; p < 400; p++) {
            PrincipalMatcher.SpiffePattern forbid = loadablePattern(random);
            PrincipalMatcher permit = switch (random.nextInt(4)) {
                case 0 -> new PrincipalMatcher.Any();
                case 1 -> new PrincipalMatcher.Prefix("spiffe://" + TD + "/");
                case 2 -> PrincipalMatcher.SpiffePattern.of("spiffe://" + TD + "/**");
                default -> new PrincipalMatcher.Prefix("spiffe://" + TD + "/n");
            };
            TenantPolicy policy = TenantPolicy.of("t", new Revision("r", null), Set.of(TD), Set.of(), List.of("/"),
                    false, List.of(
                            new Rule("forbid", Effect.FORBID, forbid, Set.of("DELETE"), ResourcePattern.parse("/**"),
                                    null, null, null, false, "gen"),
                            new Rule("permit", Effect.PERMIT, permit, Set.of("DELETE"), ResourcePattern.parse("/**"),
                                    null, null, null, false, "gen")));
            for (int q = 0; q < 60; q++) {
                String id = random.nextBoolean() ? identity(random) : near(forbid.pattern(), random);
                Decision d = policy.decide(request(id));
                Decision reference = policy.decideUnindexed(request(id));
                assertThat(d.allowed()).isEqualTo(reference.allowed());
                boolean accepted = referenceWorkload(id);
                if (!accepted) {
                    assertThat(d.allowed()).as("a spiffe-looking non-workload ID is never allowed: %s", printable(id))
                            .isFalse();
                    assertThat(d.errors()).extracting(EvaluationError::ruleId).containsExactly("principal");
                    refusedIdentities++;
                } else if (referenceMatches(forbid.pattern(), id)) {
                    assertThat(d.allowed()).as("%s is forbidden by %s", id, forbid.pattern()).isFalse();
                    assertThat(d.decidingRules()).containsExactly("forbid");
                    deniedByForbid++;
                } else if (d.allowed()) {
                    allowed++;
                }
            }
        }
        assertThat(allowed).isGreaterThan(1_000);
        assertThat(deniedByForbid).isGreaterThan(1_000);
        assertThat(refusedIdentities).isGreaterThan(1_000);
    }

    @Test
    void aPatternLoadsOnlyWhenItCanMatchValidWorkloadIdsAndThenMatchesAsTheReferenceSays() {
        Random random = new Random(7L);
        int loaded = 0;
        for (int i = 0; i < 5_000; i++) {
            String pattern = SCHEMES[random.nextInt(SCHEMES.length)] + AUTHORITIES[random.nextInt(AUTHORITIES.length)]
                    + path(random, 0);
            PrincipalMatcher.SpiffePattern compiled;
            try {
                compiled = PrincipalMatcher.SpiffePattern.of(pattern);
            } catch (IllegalArgumentException e) {
                assertThat(referencePatternValid(pattern)).as("refused %s: %s", printable(pattern), e.getMessage())
                        .isFalse();
                continue;
            }
            assertThat(referencePatternValid(pattern)).as("loaded %s", printable(pattern)).isTrue();
            loaded++;
            for (int q = 0; q < 20; q++) {
                String id = near(pattern, random);
                boolean expected = referenceWorkload(id) && referenceMatches(pattern, id);
                assertThat(compiled.matches(principal(id))).as("%s matches %s", pattern, printable(id))
                        .isEqualTo(expected);
            }
        }
        assertThat(loaded).isGreaterThan(300);
    }

    @Test
    void exactAndPrefixMatchersRefuseSpiffeValuesThatNoWorkloadCanHave() {
        for (String bad : List.of("spiffe://t.test", "spiffe://t.test/", "spiffe://T.test/a", "spiffe://t.test/a/../b",
                "spiffe://t.test/a%2Fb", "SPIFFE://t.test/a", "spiffe://t.test:8443/a")) {
            assertThatThrownBy(() -> new PrincipalMatcher.Exact(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of("spiffe://t.test", "spiffe://T.test/", "spiffe://t.test/a//", "spiffe://t.test/%2F")) {
            assertThatThrownBy(() -> new PrincipalMatcher.Prefix(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new PrincipalMatcher.Prefix("spiffe://t.test/ns/pr").matches(principal("spiffe://t.test/ns/prod")))
                .isTrue();
    }

    // --- generators -------------------------------------------------------------------------------------------------

    private static String identity(Random random) {
        if (random.nextInt(10) == 0) {
            return "spiffe://" + TD + "/" + "a".repeat(random.nextInt(2) == 0 ? 2_030 : 2_040);
        }
        String scheme = random.nextInt(3) == 0 ? SCHEMES[random.nextInt(SCHEMES.length)] : "spiffe://";
        String authority = random.nextInt(3) == 0 ? AUTHORITIES[random.nextInt(AUTHORITIES.length)] : TD;
        return scheme + authority + path(random, random.nextInt(2));
    }

    private static String path(Random random, int minSegments) {
        int n = minSegments + random.nextInt(5);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append('/');
            b.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : PIECES[random.nextInt(7)]);
        }
        if (random.nextInt(8) == 0) {
            b.append('/');
        }
        return b.toString();
    }

    /** An identity close to a pattern: its wildcards filled in, a segment dropped, added or spoilt. */
    private static String near(String pattern, Random random) {
        List<String> parts = new ArrayList<>(List.of(pattern.split("/", -1)));
        for (int i = 3; i < parts.size(); i++) {
            if (parts.get(i).equals("**")) {
                parts.remove(i);
                int more = random.nextInt(3);
                for (int k = 0; k < more; k++) {
                    parts.add(i, PIECES[random.nextInt(7)]);
                }
                break;
            }
            if (parts.get(i).equals("*")) {
                parts.set(i, PIECES[random.nextInt(random.nextInt(4) == 0 ? PIECES.length : 7)]);
            }
        }
        switch (random.nextInt(6)) {
            case 0 -> parts.add(PIECES[random.nextInt(PIECES.length)]);
            case 1 -> {
                if (parts.size() > 3) {
                    parts.remove(parts.size() - 1);
                }
            }
            case 2 -> parts.set(2, AUTHORITIES[random.nextInt(AUTHORITIES.length)]);
            default -> { }
        }
        return String.join("/", parts);
    }

    private static PrincipalMatcher.SpiffePattern loadablePattern(Random random) {
        while (true) {
            try {
                return PrincipalMatcher.SpiffePattern.of("spiffe://" + TD + path(random, 1));
            } catch (IllegalArgumentException e) {
                // not a loadable pattern; draw another
            }
        }
    }

    // --- the independent reference ----------------------------------------------------------------------------------

    private static boolean referenceWorkload(String id) {
        if (id.length() > 2048 || !WORKLOAD.matcher(id).matches()) {
            return false;
        }
        String td = id.substring(9, id.indexOf('/', 9));
        return td.length() <= 255 && List.of(id.substring(9 + td.length() + 1).split("/", -1)).stream()
                .noneMatch(s -> s.equals(".") || s.equals(".."));
    }

    private static boolean referencePatternValid(String pattern) {
        // A pattern is valid when replacing its wildcards with a plain segment yields a valid workload ID, '**' only last.
        if (!pattern.startsWith("spiffe://") || pattern.indexOf('/', 9) < 0) {
            return false;
        }
        String[] segments = pattern.substring(pattern.indexOf('/', 9) + 1).split("/", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].equals("**")) {
                return false;
            }
        }
        String filled = pattern.substring(0, pattern.indexOf('/', 9) + 1)
                + String.join("/", List.of(segments).stream().map(s -> s.equals("*") || s.equals("**") ? "w" : s)
                .toList());
        return referenceWorkload(filled);
    }

    private static boolean referenceMatches(String pattern, String id) {
        String td = pattern.substring(9, pattern.indexOf('/', 9));
        StringBuilder regex = new StringBuilder(Pattern.quote("spiffe://" + td));
        String[] segments = pattern.substring(9 + td.length() + 1).split("/", -1);
        for (String s : segments) {
            regex.append(switch (s) {
                case "*" -> "/[^/]+";
                case "**" -> "(/[^/]+)*";
                default -> "/" + Pattern.quote(s);
            });
        }
        return Pattern.matches(regex.toString(), id);
    }

    private static Principal principal(String id) {
        return new Principal(id, TD, "t", null, Map.of(), Set.of(CredentialKind.MTLS));
    }

    private static AccessRequest request(String id) {
        return new AccessRequest("t", principal(id), "DELETE", "/api/x", Map.of(), Map.of(), Map.of(), NOW);
    }

    private static String printable(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "...(" + s.length() + ")" : s.replace("\u0000", "\\0");
    }
}
