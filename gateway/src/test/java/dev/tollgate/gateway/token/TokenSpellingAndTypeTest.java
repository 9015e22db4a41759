package dev.tollgate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.util.Base64URL;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.crypto.Sha256;
import dev.tollgate.gateway.testsupport.TestProofs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.client.HttpClient;

/**
 * Issue 12, classes 2 and 6: one token has one spelling and one identity; a JWT that is not an access token does not
 * open a route; header members count by presence. Variants are generated from freshly signed tokens, so every spelling
 * rule is tried on many encodings.
 */
class TokenSpellingAndTypeTest {

    static final String ISS = "https://issuer.spelling.test";
    static final String TYPED = "https://typed.spelling.test";
    static final String SUB = "spiffe://acme.test/ns/shop/sa/checkout";

    final ECKey key = new ECKey.Builder(TestProofs.newEcKey()).keyID("k1").build();
    final TokenVerifier verifier;

    TokenSpellingAndTypeTest() throws Exception {
        Path dir = Files.createTempDirectory("spelling");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(key.toPublicJWK(),
                new ECKey.Builder(key.toPublicJWK()).keyID("ops-sign").keyOperations(Set.of(KeyOperation.SIGN)).build(),
                new ECKey.Builder(key.toPublicJWK()).keyID("ops-enc").keyOperations(Set.of(KeyOperation.ENCRYPT))
                        .build(),
                new ECKey.Builder(key.toPublicJWK()).keyID("ops-verify").keyOperations(Set.of(KeyOperation.VERIFY))
                        .build())).toString());
        IssuerSettings plain = IssuerSettings.of(ISS, jwks, null, List.of("tollgate"), List.of("ES256"),
                Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(1), List.of("acme.test"));
        IssuerSettings typed = new IssuerSettings(TYPED, jwks, null, null, null, List.of("tollgate"), List.of("ES256"),
                Duration.ofHours(1), null, null, null, null, null, null, List.of("acme.test"), null, null, null, null,
                List.of("application/AT+JWT"), null);
        DependencyRegistry deps = DependencyRegistry.ofDefaults();
        verifier = new TokenVerifier(List.of(plain, typed).stream().map(s -> {
            IssuerKeys keys = new IssuerKeys(s, deps.dependency("issuer:" + s.issuer()), HttpClient.create());
            keys.start().block(Duration.ofSeconds(5));
            keys.close();
            return new TokenVerifier.Issuer(s, keys);
        }).toList(), 100);
    }

    // --- class 2: spelling ------------------------------------------------------------------------------------------

    @Test
    void everyNonCanonicalSpellingOfAValidTokenIsRefused() throws Exception {
        Random random = new Random(12L);
        int variants = 0;
        for (int i = 0; i < 40; i++) {
            String token = sign(header(null), claims(ISS, "\"jti\":\"t" + i + "-" + random.nextInt() + "\""));
            assertThat(verifier.verify(token, Instant.now()).principal()).isEqualTo(SUB);
            for (String variant : respellings(token)) {
                assertThat(variant).isNotEqualTo(token);
                assertThatThrownBy(() -> verifier.verify(variant, Instant.now())).as(variant)
                        .isInstanceOfSatisfying(TokenRejectedException.class,
                                e -> assertThat(e.reason()).isEqualTo("token.malformed"));
                variants++;
            }
        }
        assertThat(variants).isGreaterThan(400);
    }

    @Test
    void aMalleatedEcdsaSignatureIsTheSameTokenWithTheSameId() throws Exception {
        for (int i = 0; i < 20; i++) {
            String token = sign(header(null), claims(ISS, "\"jti\":\"m" + i + "\""));
            String other = TestProofs.malleateEs256(token);
            assertThat(other).isNotEqualTo(token);
            VerifiedToken original = verifier.verify(token, Instant.now());
            VerifiedToken malleated = verifier.verify(other, Instant.now());
            String signingInput = token.substring(0, token.lastIndexOf('.'));
            assertThat(original.tokenId()).isEqualTo(Sha256.hex(signingInput)).isEqualTo(malleated.tokenId());
        }
        String token = sign(header(null), claims(ISS, ""));
        verifier.verify(token, Instant.now());
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + Base64URL.encode(new byte[64]);
        assertThatThrownBy(() -> verifier.verify(forged, Instant.now()))
                .as("a cached id with another, invalid signature is verified afresh, not waved through")
                .isInstanceOfSatisfying(TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo("token.signature"));
    }

    @Test
    void duplicateMemberNamesAreRefusedInHeaderAndPayload() throws Exception {
        String dupHeader = "{\"alg\":\"ES256\",\"kid\":\"k1\",\"kid\":\"k1\"}";
        rejected(sign(dupHeader, claims(ISS, "")), "token.malformed");
        String dupSub = claims(ISS, "\"sub\":\"spiffe://acme.test/ns/admin/sa/root\"");
        rejected(sign(header(null), dupSub), "token.malformed");
        rejected(sign("[\"alg\",\"ES256\"]", claims(ISS, "")), "token.malformed");
    }

    // --- class 6: header members and types --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"\"jku\":null", "\"jku\":\"\"", "\"x5c\":[]", "\"x5c\":null", "\"x5u\":null",
        "\"jwk\":null", "\"jwk\":{}", "\"crit\":[]", "\"crit\":null", "\"crit\":[\"exp\"]"})
    void headerMembersCountByPresenceNotValue(String member) throws Exception {
        String name = member.substring(1, member.indexOf('"', 1));
        rejected(sign("{\"alg\":\"ES256\",\"kid\":\"k1\"," + member + "}", claims(ISS, "")), "token.header." + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dpop+jwt", "application/dpop+jwt", "DPoP+JWT", "logout+jwt", "secevent+jwt",
        "oauth-authz-req+jwt", "kb+jwt", "token-introspection+jwt", "txn+jwt"})
    void jwtsThatAreNeverAccessTokensAreRefusedByDefault(String typ) throws Exception {
        rejected(sign(header(typ), claims(ISS, "")), "token.header.typ");
    }

    @Test
    void theDefaultAcceptsOrdinaryTypesAndAnAllowListAcceptsOnlyItsOwn() throws Exception {
        for (String typ : new String[] {null, "JWT", "at+jwt", "application/at+jwt", "x-custom"}) {
            assertThat(verifier.verify(sign(header(typ), claims(ISS, "")), Instant.now()).principal()).isEqualTo(SUB);
        }
        assertThat(verifier.verify(sign(header("at+jwt"), claims(TYPED, "")), Instant.now()).principal())
                .isEqualTo(SUB);
        assertThat(verifier.verify(sign(header("application/at+JWT"), claims(TYPED, "")), Instant.now()).principal())
                .isEqualTo(SUB);
        for (String typ : new String[] {null, "JWT", "dpop+jwt", "at+jwt2"}) {
            rejected(sign(header(typ), claims(TYPED, "")), "token.header.typ");
        }
        rejected(sign("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":5}", claims(ISS, "")), "token.malformed");
        assertThatThrownBy(() -> new IssuerSettings(TYPED, Path.of("j"), null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, List.of("dpop+jwt"), null))
                .hasMessageContaining("never an access token");
    }

    @Test
    void aKeyWhoseKeyOpsLeaveOutVerifyDoesNotVerify() throws Exception {
        rejected(sign(header(null, "ops-sign"), claims(ISS, "")), "token.key-mismatch");
        rejected(sign(header(null, "ops-enc"), claims(ISS, "")), "token.key-mismatch");
        assertThat(verifier.verify(sign(header(null, "ops-verify"), claims(ISS, "")), Instant.now()).principal())
                .isEqualTo(SUB);
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    /** Re-spellings that a lenient base64 decoder reads as the same bytes. */
    static List<String> respellings(String token) {
        String[] parts = token.split("\\.");
        List<String> out = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            for (String padded : List.of(parts[p] + "=", parts[p] + "==", parts[p] + "===")) {
                out.add(with(parts, p, padded));
            }
            String standard = parts[p].replace('-', '+').replace('_', '/');
            if (!standard.equals(parts[p])) {
                out.add(with(parts, p, standard));
            }
            String trailing = nonZeroTrailingBits(parts[p]);
            if (trailing != null) {
                out.add(with(parts, p, trailing));
            }
            out.add(with(parts, p, parts[p].substring(0, parts[p].length() / 2) + "\n"
                    + parts[p].substring(parts[p].length() / 2)));
            out.add(with(parts, p, " " + parts[p]));
        }
        out.add(token + ".");
        out.add(token + ".e30");
        return out;
    }

    private static String with(String[] parts, int index, String replacement) {
        String[] copy = parts.clone();
        copy[index] = replacement;
        return String.join(".", copy);
    }

    private static String nonZeroTrailingBits(String part) {
        int rem = part.length() % 4;
        if (rem == 0) {
            return null;
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(part.charAt(part.length() - 1));
        return part.substring(0, part.length() - 1) + alphabet.charAt(last | 1);
    }

    private static String header(String typ) {
        return header(typ, "k1");
    }

    private static String header(String typ, String kid) {
        return "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\"" + (typ == null ? "" : ",\"typ\":\"" + typ + "\"") + "}";
    }

    private static String claims(String iss, String extra) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + iss + "\",\"sub\":\"" + SUB + "\",\"aud\":\"tollgate\",\"iat\":" + now + ",\"exp\":"
                + (now + 300) + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private String sign(String headerJson, String claimsJson) throws Exception {
        String input = Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(claimsJson.getBytes(StandardCharsets.UTF_8));
        Base64URL sig = new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256),
                input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + sig;
    }

    private void rejected(String compact, String reason) {
        assertThatThrownBy(() -> verifier.verify(compact, Instant.now()))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
