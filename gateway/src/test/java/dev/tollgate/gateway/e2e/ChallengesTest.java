package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, class 7: {@code WWW-Authenticate} as RFC 6750 §3.1 and RFC 9449 §7.1 have it. Without credentials the
 * challenges carry no {@code error}; with bad ones they do; and every answer advertises exactly the schemes the route
 * accepts — a DPoP-only route never invites a Bearer token, whatever was wrong with the request.
 */
class ChallengesTest extends GatewayTestBase {

    record RouteCase(String path, List<String> schemes) {
    }

    static final List<RouteCase> ROUTES = List.of(
            new RouteCase("/token-only/acme/orders/1", List.of("Bearer")),
            new RouteCase("/dpop/acme/required/orders/1", List.of("DPoP")),
            new RouteCase("/dpop/acme/optional/orders/1", List.of("Bearer", "DPoP")));

    /** Authorization headers that are wrong in every way a client gets them wrong. */
    static final List<List<String>> MALFORMED = List.of(List.of("Bearer"), List.of("Bearer "), List.of("Bearer a b"),
            List.of("DPoP a b"), List.of("DPoP"), List.of("Basic dXNlcjpwYXNz"), List.of("bearer"),
            List.of("Bearer " + "a".repeat(9000)), List.of("Bearer e30.e30.e30", "Bearer e30.e30.e30"),
            List.of("Bearer e30.e30.e30"), List.of("Bearer not-a-jwt"), List.of("DPoP e30.e30.e30"),
            List.of("Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln=="), List.of("Negotiate abc"));

    @Test
    void withoutCredentialsTheChallengesNameTheRoutesSchemesAndNoError() {
        TlsClient client = client(fixture.checkout);
        for (RouteCase route : ROUTES) {
            TlsClient.Response r = client.get(route.path(), Map.of());
            assertThat(r.status()).isEqualTo(401);
            List<String> challenges = r.headers().getAll("WWW-Authenticate");
            assertThat(challenges).as(route.path()).extracting(ChallengesTest::scheme)
                    .containsExactlyElementsOf(route.schemes());
            assertThat(challenges).as("RFC 6750 3.1: no error code without credentials")
                    .noneMatch(c -> c.contains("error="));
        }
    }

    @Test
    void withBadCredentialsEveryAnswerAdvertisesOnlyTheRoutesSchemes() {
        TlsClient client = client(fixture.checkout);
        int tried = 0;
        for (RouteCase route : ROUTES) {
            for (List<String> authorization : MALFORMED) {
                TlsClient.Response r = client.sendEach("GET", route.path(), authorization.stream()
                        .map(v -> Map.entry("Authorization", v)).toList());
                assertThat(r.status()).as("%s %s", route.path(), authorization).isIn(400, 401);
                List<String> challenges = r.headers().getAll("WWW-Authenticate");
                assertThat(challenges).as("%s %s", route.path(), abbreviated(authorization))
                        .extracting(ChallengesTest::scheme).containsExactlyElementsOf(route.schemes());
                assertThat(challenges).allMatch(c -> c.contains("error=\"invalid_"));
                assertThat(r.body()).doesNotContain("a".repeat(100));
                tried++;
            }
        }
        assertThat(tried).isEqualTo(ROUTES.size() * MALFORMED.size());
    }

    private static String scheme(String challenge) {
        int space = challenge.indexOf(' ');
        return space < 0 ? challenge : challenge.substring(0, space);
    }

    private static List<String> abbreviated(List<String> values) {
        return values.stream().map(v -> v.length() > 60 ? v.substring(0, 60) + "..." : v).toList();
    }
}
