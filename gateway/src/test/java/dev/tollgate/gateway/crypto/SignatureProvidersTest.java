package dev.tollgate.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.tollgate.gateway.testsupport.TestProofs;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever provider is chosen — native, BouncyCastle or the JDK's — a verifier accepts a good signature and refuses a
 * tampered and an all-zero one, for every algorithm Tollgate verifies.
 */
class SignatureProvidersTest {

    static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {"auto", "accp", "conscrypt", "bc", "jdk"})
    void everyPreferenceVerifiesGoodAndRefusesBadSignatures(String preference) throws Exception {
        JwsVerifiers verifiers = new JwsVerifiers(SignatureProviders.select(List.of(preference)), 10);
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        check(verifiers, JWSAlgorithm.ES256, ec.toPublicJWK(), new ECDSASigner(ec));
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        check(verifiers, JWSAlgorithm.RS256, rsa.toPublicJWK(), new RSASSASigner(rsa));
        check(verifiers, JWSAlgorithm.PS256, rsa.toPublicJWK(), new RSASSASigner(rsa));
        TestProofs.EdKey ed = TestProofs.EdKey.generate();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(ed.keys().getPrivate());
        s.update(INPUT);
        byte[] edSignature = s.sign();
        var edVerifier = verifiers.verifier(JWSAlgorithm.EdDSA, ed.publicJwk(), null);
        JWSHeader edHeader = new JWSHeader(JWSAlgorithm.EdDSA);
        assertThat(edVerifier.verify(edHeader, INPUT, Base64URL.encode(edSignature))).isTrue();
        edSignature[3] ^= 1;
        assertThat(edVerifier.verify(edHeader, INPUT, Base64URL.encode(edSignature))).isFalse();
        assertThat(edVerifier.verify(edHeader, INPUT, Base64URL.encode(new byte[64]))).isFalse();
    }

    private static void check(JwsVerifiers verifiers, JWSAlgorithm alg, JWK publicKey, JWSSigner signer)
            throws Exception {
        JWSHeader header = new JWSHeader(alg);
        Base64URL signature = signer.sign(header, INPUT);
        var verifier = verifiers.verifier(alg, publicKey, "k");
        assertThat(verifier.verify(header, INPUT, signature)).as(alg + " good").isTrue();
        byte[] tampered = signature.decode();
        tampered[tampered.length / 2] ^= 1;
        assertThat(verifier.verify(header, INPUT, Base64URL.encode(tampered))).as(alg + " tampered").isFalse();
        byte[] zero = new byte[signature.decode().length];
        boolean zeroAccepted;
        try {
            zeroAccepted = verifier.verify(header, INPUT, Base64URL.encode(zero));
        } catch (com.nimbusds.jose.JOSEException e) {
            zeroAccepted = false;
        }
        assertThat(zeroAccepted).as(alg + " all-zero").isFalse();
    }

    @Test
    void aCandidateIsLoadedOnlyWhenAnAlgorithmReachesIt() {
        List<String> loads = new java.util.ArrayList<>();
        // The JDK's own providers stand in: SunEC serves ECDSA and Ed25519 but no RSA; SunRsaSign the reverse.
        var selection = SignatureProviders.selectNow(List.of("accp", "conscrypt", "bc", "jdk"), name -> {
            loads.add(name);
            return switch (name) {
                case "accp" -> null; // failed to load
                case "conscrypt" -> java.security.Security.getProvider("SunEC");
                case "bc" -> java.security.Security.getProvider("SunRsaSign");
                default -> throw new AssertionError("jdk is never loaded: " + name);
            };
        });
        assertThat(loads).containsExactly("accp", "conscrypt", "bc");
        assertThat(selection.forJws("ES256").getName()).isEqualTo("SunEC");
        assertThat(selection.forJws("RS256").getName()).isEqualTo("SunRsaSign");

        if (System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"))) {
            // ACCP serves every algorithm here: Conscrypt and BouncyCastle (a second of start-up) are never loaded.
            loads.clear();
            var auto = SignatureProviders.selectNow(SignatureProviders.AUTO, name -> {
                loads.add(name);
                return SignatureProviders.load(name);
            });
            assertThat(loads).containsExactly("accp");
            assertThat(auto.describe().values()).containsOnly("AmazonCorrettoCryptoProvider");
        }
    }

    @Test
    void theFastestAvailableProviderIsChosenAndTheJdkIsTheLastResort() {
        var auto = SignatureProviders.select(List.of("auto")).describe();
        assertThat(auto).containsKeys("ES256", "EdDSA", "RS256");
        // On Linux x86_64 (this build's platform) a native provider loads and passes its self-test for ES256.
        if (System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"))) {
            assertThat(auto.get("ES256")).isIn("AmazonCorrettoCryptoProvider", "Conscrypt");
        }
        assertThat(SignatureProviders.select(List.of("jdk")).describe().values()).containsOnly("JDK");
        assertThat(SignatureProviders.select(List.of("bc")).describe().get("ES256")).isEqualTo("BC");
        assertThatThrownBy(() -> SignatureProviders.select(List.of("openssl"))).hasMessageContaining("openssl");
    }
}
