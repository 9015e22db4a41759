package dev.tollgate.gateway.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.FailureMode;
import dev.tollgate.gateway.authn.Authentication;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.revocation.LocalRevocationStore;
import dev.tollgate.gateway.revocation.Revocation;
import dev.tollgate.gateway.revocation.RevocationKind;
import dev.tollgate.gateway.route.CredentialRequirement;
import dev.tollgate.gateway.route.RouteSecurity;
import dev.tollgate.gateway.testsupport.MovableClock;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Principal;
import dev.tollgate.policy.Revision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The cache's bounds, with a clock the test moves: credential expiry, policy windows, attributes read. */
class AuthorizationServiceTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final AtomicInteger evaluations = new AtomicInteger();
    private Instant validUntil;
    private Set<String> attributesRead = Set.of();
    private final LocalRevocationStore revocations = new LocalRevocationStore();
    private final DecisionCache cache = new DecisionCache(1000, null, DependencyRegistry.ofDefaults()
            .dependency("redis"), "t:", clock);
    private final AuthorizationService service = new AuthorizationService(new AuthorizationService.Policies() {
        @Override
        public Decision authorize(AccessRequest request) {
            evaluations.incrementAndGet();
            return new Decision(true, List.of("r1"), List.of(), new Revision("rev1", null), 1, validUntil,
                    attributesRead);
        }

        @Override
        public Optional<Revision> revision(String tenant) {
            return Optional.of(new Revision("rev1", null));
        }
    }, cache, revocations, Duration.ofMinutes(5), clock);

    private static final RouteSecurity ROUTE = new RouteSecurity("acme", CredentialRequirement.parse("jwt"), false,
            FailureMode.FAIL_CLOSED);

    private Authentication authentication(Instant credentialExpiry) {
        return new Authentication(new Principal("spiffe://acme.test/w", "acme.test", "acme", null, Map.of(),
                Set.of(CredentialKind.JWT)), "hash", "jti", null, null, credentialExpiry);
    }

    private Authorization authorize(String uri, Instant credentialExpiry) {
        return service.authorize(MockServerHttpRequest.get(uri).build(), "acme-api", ROUTE,
                authentication(credentialExpiry)).block();
    }

    @Test
    void noEntryOutlivesTheCredentialThatProducedIt() {
        Instant tokenExpiry = clock.instant().plusSeconds(30);
        assertThat(authorize("/orders/1", tokenExpiry).cache()).isEqualTo("MISS");
        assertThat(authorize("/orders/1", tokenExpiry).cache()).isEqualTo("L1");
        clock.set(clock.instant().plusSeconds(31));
        assertThat(authorize("/orders/1", clock.instant().plusSeconds(60)).cache()).isEqualTo("MISS");
        assertThat(evaluations).hasValue(2);
    }

    @Test
    void aTimeBoundDecisionIsCachedNoLongerThanItsWindow() {
        validUntil = clock.instant().plusSeconds(10);
        authorize("/orders/2", clock.instant().plusSeconds(600));
        clock.set(clock.instant().plusSeconds(9));
        assertThat(authorize("/orders/2", clock.instant().plusSeconds(600)).cache()).isEqualTo("L1");
        clock.set(clock.instant().plusSeconds(2));
        assertThat(authorize("/orders/2", clock.instant().plusSeconds(600)).cache()).isEqualTo("MISS");
    }

    @Test
    void aDecisionIsReusedOnlyWhenTheAttributesItReadAreTheSame() {
        attributesRead = Set.of("request.query.env");
        authorize("/orders/3?env=prod", null);
        assertThat(authorize("/orders/3?env=prod", null).cache()).isEqualTo("L1");
        assertThat(authorize("/orders/3?env=dev", null).cache()).isEqualTo("MISS");
    }

    /**
     * Servers disagree on which value of a repeated parameter counts, so policy sees none of them (a permit on
     * {@code dry_run == 'true'} must not pass {@code ?dry_run=true&dry_run=false} to an upstream that reads the last),
     * however the name is spelt; nor of a header sent on several lines (servers read the first, the last, or all).
     */
    @Test
    void aRepeatedParameterOrHeaderIsNotShownToPolicy() {
        for (String query : List.of("dry_run=true&dry_run=false", "dry_run=true&dry%5Frun=false",
                "dry_run=true&%64ry_run=false", "dry_run=false&dry_run=true", "dry_run=true&dry_run=true",
                "dry_run=true&dry_run")) {
            var request = MockServerHttpRequest.method(org.springframework.http.HttpMethod.GET,
                            java.net.URI.create("/orders/5?" + query + "&env=prod&flag"))
                    .header("X-Ticket", "CHG-1").header("x-ticket", "evil").header("X-Single", "one").build();
            AccessRequest access = service.accessRequest(request, "acme-api", ROUTE, authentication(null));
            assertThat(access.query()).as(query).containsOnlyKeys("env").containsEntry("env", "prod");
            assertThat(access.headers()).doesNotContainKey("x-ticket").containsEntry("x-single", "one");
        }
    }

    /**
     * A name that servers file under another one (PHP folds {@code .}, space and {@code [} to {@code _} and reads
     * {@code a[]} as {@code a}; ASP.NET ignores case) or a {@code ;} that some servers split on: each spelling below,
     * sent beside {@code dry_run=true} in either order, leaves {@code dry_run} out of what policy sees.
     */
    @Test
    void aParameterThatServersReadAsAnotherIsNotShownToPolicy() {
        List<String> spellings = List.of("dry.run", "dry+run", "dry%20run", "dry%2Erun", "DRY_RUN", "Dry_Run",
                "dry_run%5B%5D", "dry_run%5Bx%5D", "dry%5Brun", "DRY.RUN%5B%5D");
        for (String spelling : spellings) {
            for (String query : List.of("dry_run=true&" + spelling + "=false", spelling + "=false&dry_run=true")) {
                assertThat(queryShown(query + "&env=prod")).as(query).containsOnlyKeys("env");
            }
            assertThat(queryShown(spelling + "=false")).as("%s alone is shown as sent", spelling).hasSize(1);
        }
        for (String query : List.of("dry_run=true;dry_run=false", "x=1;dry_run=false&dry_run=true",
                "dry_run=true;x=1")) {
            assertThat(queryShown(query + "&env=prod")).as(query).containsOnlyKeys("env");
        }
        assertThat(queryShown("status=open&%C5%BFtatus=closed&env=prod")).as(".NET's ordinal case: ſ is S")
                .containsOnlyKeys("env");
        assertThat(queryShown("filter%5Bstatus%5D=open&filter%5Btype%5D=x&page%5Bsize%5D=10"))
                .as("two keys of one array are two parameters").hasSize(3);
        assertThat(queryShown("dry_run=true&q=a%3Bb&a.b=1&y")).as("an escaped ';' is a value; a.b alone is one name")
                .containsOnly(org.assertj.core.api.Assertions.entry("dry_run", "true"),
                        org.assertj.core.api.Assertions.entry("q", "a;b"), org.assertj.core.api.Assertions.entry("a.b", "1"));

        var request = MockServerHttpRequest.get("/orders/5").header("X-Env", "prod").header("X_Env", "staging")
                .header("X_Other", "one").header("DPoP", "proof").header("Proxy_Authorization", "Basic eDp5").build();
        assertThat(service.accessRequest(request, "acme-api", ROUTE, authentication(null)).headers())
                .as("CGI servers read X-Env and X_Env as one HTTP_X_ENV").containsOnlyKeys("x_other");
    }

    private Map<String, String> queryShown(String query) {
        var request = MockServerHttpRequest.method(org.springframework.http.HttpMethod.GET,
                java.net.URI.create("/orders/5?" + query)).build();
        return service.accessRequest(request, "acme-api", ROUTE, authentication(null)).query();
    }

    @Test
    void revocationIsCheckedBeforeTheCache() {
        authorize("/orders/4", null);
        revocations.revoke(new Revocation(RevocationKind.JTI, "jti", clock.instant(), "t")).block();
        assertThatThrownBy(() -> authorize("/orders/4", null))
                .isInstanceOfSatisfying(RequestRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo("revoked.jti"));
    }

    /**
     * Issue 13: a tenant whose directory is in the entity store cannot be decided when the store does not answer —
     * and that is an error (503, the route's Retry-After), never a deny or an allow. A real Redis that is not there.
     */
    @Test
    void anEntityStoreThatDoesNotAnswerIsUnavailableNotADecision() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var redis = new dev.tollgate.gateway.redis.RedisAccess("redis://127.0.0.1:" + closedPort,
                Duration.ofMillis(200));
        try {
            var store = new dev.tollgate.gateway.entities.RedisEntityStore(redis, DependencyRegistry.ofDefaults()
                    .dependency("redis"), "t:", 100, Duration.ofSeconds(30));
            AuthorizationService served = new AuthorizationService(new AuthorizationService.Policies() {
                @Override
                public Decision authorize(AccessRequest request) {
                    evaluations.incrementAndGet();
                    return new Decision(true, List.of("r1"), List.of(), new Revision("rev1", null), 1, null, Set.of());
                }

                @Override
                public Optional<Revision> revision(String tenant) {
                    return Optional.of(new Revision("rev1", null));
                }

                @Override
                public boolean servesDirectory(String tenant) {
                    return true;
                }
            }, cache, revocations, Duration.ofMinutes(5), clock, store);
            RouteSecurity route = new RouteSecurity("acme", CredentialRequirement.parse("jwt"), false,
                    new FailureMode.FailClosed(Duration.ofSeconds(7)));
            assertThatThrownBy(() -> served.authorize(MockServerHttpRequest.get("/orders/9").build(), "acme-api",
                    route, authentication(null)).block())
                    .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                        assertThat(e.code()).isEqualTo("dependency.entities");
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                    });
            assertThat(evaluations).as("no decision was made").hasValue(0);
        } finally {
            redis.close();
        }
    }
}
