package dev.tollgate.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.crypto.CompactJws;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.MalformedJwsException;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.dpop.DPoPNonces;
import dev.tollgate.gateway.dpop.DPoPProofVerifier;
import dev.tollgate.gateway.dpop.DPoPSettings;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.token.IssuerKeys;
import dev.tollgate.gateway.token.IssuerSettings;
import dev.tollgate.gateway.token.TokenRejectedException;
import dev.tollgate.gateway.token.TokenVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import reactor.netty.http.client.HttpClient;

/**
 * Fuzz target for the JWS and DPoP parse path (issue 12): whatever arrives in an {@code Authorization} or {@code DPoP}
 * header, the token verifier only ever refuses it with its own rejection, the proof verifier with a 401 challenge —
 * never another exception, never acceptance of a forgery — and every part {@link CompactJws} lets through is
 * canonical base64url. A normal build runs the seed inputs ({@code JoseParseFuzzTestInputs}); {@code .ci/run} fuzzes it
 * for a bounded time with {@code JAZZER_FUZZ=1}.
 */
class JoseParseFuzzTest {

    static final String ISS = "https://issuer.fuzz.test";
    static final ECKey KEY = new ECKey.Builder(TestProofs.newEcKey()).keyID("k1").build();
    static final TokenVerifier TOKENS;
    static final DPoPProofVerifier PROOFS = new DPoPProofVerifier(DPoPSettings.defaults(),
            new JwsVerifiers(SignatureProviders.select(List.of("auto")), 100),
            new DPoPNonces(new byte[32], Duration.ofMinutes(5), Clock.systemUTC()));

    static {
        try {
            Path jwks = Files.createTempFile("fuzz-jwks", ".json");
            Files.writeString(jwks, new JWKSet(KEY.toPublicJWK()).toString());
            IssuerSettings s = IssuerSettings.of(ISS, jwks, null, List.of("tollgate"), null, Duration.ofHours(1),
                    null, Duration.ofHours(1), List.of("acme.test"));
            IssuerKeys keys = new IssuerKeys(s, DependencyRegistry.ofDefaults().dependency("issuer:fuzz"),
                    HttpClient.create());
            keys.start().block(Duration.ofSeconds(5));
            keys.close();
            TOKENS = new TokenVerifier(List.of(new TokenVerifier.Issuer(s, keys)), 100);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void authorizationAndDPoPHeaders(FuzzedDataProvider data) {
        String compact = switch (data.consumeInt(0, 2)) {
            // Raw text, as an attacker types it.
            case 0 -> data.consumeRemainingAsAsciiString();
            // JSON-ish header and payload, properly encoded: reaches the header and claim rules.
            case 1 -> Base64URL.encode(data.consumeString(200).getBytes(StandardCharsets.UTF_8)) + "."
                    + Base64URL.encode(data.consumeString(400).getBytes(StandardCharsets.UTF_8)) + "."
                    + Base64URL.encode(data.consumeRemainingAsBytes());
            // A real header and claims with fuzzed members appended.
            default -> Base64URL.encode(("{\"alg\":\"ES256\",\"kid\":\"k1\"," + data.consumeString(100) + "}")
                    .getBytes(StandardCharsets.UTF_8)) + "." + Base64URL.encode(("{\"iss\":\"" + ISS
                    + "\",\"sub\":\"spiffe://acme.test/a\",\"aud\":\"tollgate\",\"exp\":" + (Instant.now()
                    .getEpochSecond() + 60) + "," + data.consumeString(200) + "}").getBytes(StandardCharsets.UTF_8))
                    + "." + Base64URL.encode(data.consumeRemainingAsBytes());
        };
        try {
            CompactJws.Parts parts = CompactJws.split(compact);
            for (String part : List.of(parts.header(), parts.payload(), parts.signature())) {
                assertThat(Base64URL.encode(new Base64URL(part).decode()).toString()).isEqualTo(part);
            }
        } catch (MalformedJwsException refused) {
            // refused as not strictly well formed: fine
        }
        try {
            TOKENS.verify(compact, Instant.now());
            throw new AssertionError("a token nobody signed was accepted: " + compact);
        } catch (TokenRejectedException refused) {
            // the only acceptable outcome
        }
        try {
            PROOFS.verify(List.of(compact), "GET", URI.create("https://api.fuzz.test/x"), "token",
                    TestProofs.thumbprint(KEY), false, Instant.now());
            throw new AssertionError("a proof nobody signed was accepted: " + compact);
        } catch (RequestRejectedException refused) {
            assertThat(refused.kind().status().value()).isEqualTo(401);
        }
    }
}
