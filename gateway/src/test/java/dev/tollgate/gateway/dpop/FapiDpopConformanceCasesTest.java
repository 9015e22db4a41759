package dev.tollgate.gateway.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.testsupport.TestProofs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resource-server DPoP cases of the OpenID FAPI 2.0 conformance suite (openid-certification/conformance-suite:
 * {@code FAPI2SPFinalDpopNegativeTests} and the accepted proofs of its happy-path modules), restated here: the suite is
 * not vendored, and it judges by status only — a refused proof must get 400/401, an accepted one through. The suite's
 * clock tolerances are the reason for the default window: a proof issued 10 s ago or 8 s ahead must pass, one an hour
 * off either way must not.
 */
class FapiDpopConformanceCasesTest {

    static final String URL = "https://rs.tollgate.test/fapi/accounts";
    static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJmYXBpIn0.c2ln";
    static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    static final ECKey KEY = TestProofs.newEcKey();
    static final ECKey OTHER = TestProofs.newEcKey();

    final DPoPProofVerifier verifier = new DPoPProofVerifier(DPoPSettings.defaults(),
            new JwsVerifiers(SignatureProviders.select(List.of("auto")), 100),
            new DPoPNonces(new byte[32], Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)));

    record Case(String name, UnaryOperator<TestProofs.Builder> change, boolean accepted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("happy path", b -> b, true),
                new Case("iat 10 seconds in the past", b -> b.issuedAt(NOW.minusSeconds(10)), true),
                new Case("iat 8 seconds in the future", b -> b.issuedAt(NOW.plusSeconds(8)), true),
                new Case("nbf now and exp in 5 minutes (extra claims are ignored)",
                        b -> b.claim("nbf", NOW.getEpochSecond()).claim("exp", NOW.plusSeconds(300).getEpochSecond()),
                        true),
                new Case("iat 1 hour in the future", b -> b.issuedAt(NOW.plusSeconds(3600)), false),
                new Case("iat 1 hour in the past", b -> b.issuedAt(NOW.minusSeconds(3600)), false),
                new Case("htm of another method", b -> b.claim("htm", "POST"), false),
                new Case("htu of another resource", b -> b.claim("htu", "https://rs.tollgate.test/fapi/other"), false),
                new Case("ath of another token", b -> b.claim("ath", TestProofs.ath(TOKEN + "x")), false),
                new Case("signed by a key other than its jwk", b -> b.signedBy(OTHER), false),
                new Case("invalid signature", TestProofs.Builder::zeroSignature, false),
                new Case("typ JWT instead of dpop+jwt", b -> b.header(h -> h.type(JOSEObjectType.JWT)), false),
                new Case("no typ", b -> b.header(h -> h.type(null)), false),
                new Case("no jwk", b -> b.header(h -> h.jwk(null)), false),
                new Case("no jti", b -> b.claim("jti", null), false),
                new Case("no iat", b -> b.claim("iat", null), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theSuitesExpectation(Case c) {
        String proof = c.change().apply(TestProofs.es256(KEY).issuedAt(NOW).request("GET", URL, TOKEN)).sign();
        if (c.accepted()) {
            assertThatCode(() -> verify(proof)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> verify(proof)).isInstanceOfSatisfying(RequestRejectedException.class,
                    e -> assertThat(e.kind().status().value()).isIn(400, 401));
        }
    }

    private void verify(String proof) {
        verifier.verify(List.of(proof), "GET", URI.create(URL), TOKEN, TestProofs.thumbprint(KEY), false, NOW);
    }
}
