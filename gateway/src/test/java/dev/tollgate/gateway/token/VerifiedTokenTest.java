package dev.tollgate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What policy sees of a token, derived once when it is verified: over generated claim sets (the registered claims
 * that identify the token, dates, strings, numbers, lists, objects, attributes that override a claim), against the
 * per-request derivation it replaced.
 */
class VerifiedTokenTest {

    private static final List<String> NAMES = List.of("jti", "cnf", "act", "may_act", "sub", "iss", "aud", "exp",
            "iat", "nbf", "scope", "groups", "tenant", "kubernetes.io", "x", "role");

    @Test
    void policyClaimsOverGeneratedClaimSets() {
        Random random = new Random(1515);
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> claims = new HashMap<>();
            for (int n = random.nextInt(NAMES.size()); n > 0; n--) {
                claims.put(NAMES.get(random.nextInt(NAMES.size())), value(random));
            }
            Map<String, String> attributes = new HashMap<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                attributes.put(NAMES.get(random.nextInt(NAMES.size())), "attr-" + random.nextInt(9));
            }
            VerifiedToken token = new VerifiedToken("https://issuer", "spiffe://td/a", List.of("aud"),
                    Instant.now(), "jti-1", "id", Map.copyOf(claims), null, null, "spiffe://td/a", null,
                    Map.copyOf(attributes), List.of());

            assertThat(token.policyClaims()).as("claims %s, attributes %s", claims, attributes)
                    .isEqualTo(reference(claims, attributes));
            assertThatThrownBy(() -> token.policyClaims().put("jti", "forged"))
                    .isInstanceOf(UnsupportedOperationException.class);
            Principal p = new Principal("spiffe://td/a", "td", "t", "https://issuer", token.policyClaims(),
                    Set.of(CredentialKind.JWT), List.of());
            assertThat(p.claims()).as("kept as it is, not copied per request").isSameAs(token.policyClaims());
        }
    }

    /** The derivation WorkloadAuthenticator made per request before: copy, drop, dates to seconds, attributes over. */
    private static Map<String, Object> reference(Map<String, Object> claims, Map<String, String> attributes) {
        Map<String, Object> out = new HashMap<>(claims);
        out.keySet().removeAll(List.of("jti", "cnf", "act", "may_act"));
        out.replaceAll((k, v) -> v instanceof Date d ? d.toInstant().getEpochSecond() : v);
        out.putAll(attributes);
        return out;
    }

    private static Object value(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new Date(random.nextLong(0, 4_000_000_000_000L));
            case 1 -> "v" + random.nextInt(100);
            case 2 -> random.nextInt();
            case 3 -> List.of("a", "b" + random.nextInt(3));
            case 4 -> Map.of("jkt", "thumb" + random.nextInt(5));
            default -> random.nextBoolean();
        };
    }
}
