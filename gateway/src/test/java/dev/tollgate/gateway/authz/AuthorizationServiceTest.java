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

    @Test
    void revocationIsCheckedBeforeTheCache() {
        authorize("/orders/4", null);
        revocations.revoke(new Revocation(RevocationKind.JTI, "jti", clock.instant(), "t")).block();
        assertThatThrownBy(() -> authorize("/orders/4", null))
                .isInstanceOfSatisfying(RequestRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo("revoked.jti"));
    }
}
