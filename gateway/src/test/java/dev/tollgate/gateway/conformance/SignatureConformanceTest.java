package dev.tollgate.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.tollgate.gateway.crypto.JwsRules;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.SignatureProviders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * C2SP/wycheproof signature vectors (ECDSA P-256/384/521 in the JWS fixed-width form, Ed25519, RSA PKCS#1 v1.5 and
 * PSS) through {@link JwsVerifiers} on every provider Tollgate can select, after {@link JwsRules}' key checks — the
 * path every token and DPoP proof takes. An invalid signature accepted is a failure; a valid one refused is a failure
 * unless it is listed below with the reason. Runs the public files when {@link PublicSuites#wycheproof()} names them,
 * and the generated vectors of the same classes always.
 */
class SignatureConformanceTest {

    static final List<String> PROVIDERS = List.of("jdk", "bc", "conscrypt", "accp");

    /**
     * Valid vectors a provider refuses, known and kept: the JDK's SunEC ECDSA refuses the signatures whose {@code r}
     * came from an x-coordinate of {@code k*G} at or above the group order (the "reduction" edge cases). Refusing a
     * valid signature is safe (it can only deny), and these arise with probability about 2^-128 for honest signers.
     * BouncyCastle, Conscrypt and ACCP accept them. Measured on JDK 17.0.15 against wycheproof dac1dd4.
     */
    static final Set<String> KNOWN_VALID_REFUSALS = Set.of(
            "jdk: ecdsa_secp256r1_sha256_p1363_test.json#115", "jdk: ecdsa_secp256r1_sha256_p1363_test.json#257",
            "jdk: ecdsa_secp384r1_sha384_p1363_test.json#147", "jdk: ecdsa_secp384r1_sha384_p1363_test.json#275",
            "jdk: ecdsa_secp521r1_sha512_p1363_test.json#184", "jdk: ecdsa_secp521r1_sha512_p1363_test.json#313");

    @Test
    void generatedVectorsOfEveryClass() {
        check(GeneratedSignatureVectors.all(), 300);
    }

    @Test
    void wycheproofVectorsWhenTheSuiteIsPresent() {
        Path dir = PublicSuites.wycheproof();
        if (dir == null) {
            System.out.println("Wycheproof: -Dtollgate.wycheproof.dir not set; the generated vectors stand in");
            return;
        }
        check(WycheproofVectors.signatures(dir), 3000);
    }

    private static void check(List<SignatureVector> vectors, int atLeast) {
        assertThat(vectors.size()).isGreaterThan(atLeast);
        List<String> invalidAccepted = new ArrayList<>();
        Set<String> validRefused = new TreeSet<>();
        for (String provider : PROVIDERS) {
            SignatureProviders providers = SignatureProviders.select(List.of(provider));
            JwsVerifiers verifiers = new JwsVerifiers(providers, 10_000);
            int accepted = 0;
            for (SignatureVector v : vectors) {
                boolean ok = accepts(verifiers, v);
                accepted += ok ? 1 : 0;
                if (ok && v.result().equals("invalid")) {
                    invalidAccepted.add(provider + ": " + v.name());
                } else if (!ok && v.result().equals("valid") && !KNOWN_VALID_REFUSALS.contains(provider + ": "
                        + v.source() + "#" + v.id())) {
                    validRefused.add(provider + ": " + v.name());
                }
            }
            System.out.printf("signature vectors, preference %s %s: %d of %d accepted%n", provider,
                    providers.describe(), accepted, vectors.size());
        }
        assertThat(invalidAccepted).as("invalid signatures accepted").isEmpty();
        assertThat(validRefused).as("valid signatures refused").isEmpty();
    }

    static boolean accepts(JwsVerifiers verifiers, SignatureVector v) {
        if (JwsRules.keyViolation(v.key(), v.alg()) != null) {
            return false;
        }
        try {
            return verifiers.verifier(v.alg(), v.key(), v.key().computeThumbprint().toString())
                    .verify(new JWSHeader(v.alg()), v.message(), Base64URL.encode(v.signature()));
        } catch (Exception e) {
            return false;
        }
    }
}
