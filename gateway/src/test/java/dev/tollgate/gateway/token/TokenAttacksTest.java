package dev.tollgate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TestTokens;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * The token attacks of issue #4, each against the verifier alone (the HTTP mapping of a {@link TokenRejectedException}
 * to 401/400 is covered end to end): every one must fail with its own reason, never verify.
 */
class TokenAttacksTest {

    static final String ISS = "https://issuer.attacks.test";
    static final String SPIRE = "https://spire.acme.test";
    static final String K8S = "https://kubernetes.default.svc";
    static final String SUB = "spiffe://acme.test/ns/shop/sa/checkout";

    final ECKey key = TestProofs.newEcKey();
    final ECKey attacker = TestProofs.newEcKey();
    final TestProofs.EdKey edKey = TestProofs.EdKey.generate();
    final TokenVerifier verifier;

    TokenAttacksTest() throws Exception {
        ECKey withKid = new ECKey.Builder(key).keyID("k1").build();
        Path dir = Files.createTempDirectory("tokens");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(withKid.toPublicJWK(),
                new com.nimbusds.jose.jwk.OctetKeyPair.Builder(edKey.publicJwk()).keyID("ed").build())).toString());
        DependencyRegistry deps = DependencyRegistry.ofDefaults();
        HttpClient http = HttpClient.create();
        IssuerSettings plain = IssuerSettings.of(ISS, jwks, null, List.of("tollgate"),
                List.of("ES256", "EdDSA"), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(1),
                List.of("acme.test"));
        IssuerSettings spire = new IssuerSettings(SPIRE, jwks, null, null, null, List.of("tollgate"), List.of("ES256"),
                Duration.ofHours(1), null, null, null, null, "jwt-svid", "acme.test", null, null, null, null, null, null, null);
        IssuerSettings k8s = new IssuerSettings(K8S, jwks, null, null, null, List.of("tollgate"), List.of("ES256"),
                Duration.ofHours(1), null, null, null, null, "kubernetes", null, null, null, "acme", null, null, null, null);
        List<TokenVerifier.Issuer> issuers = List.of(plain, spire, k8s).stream().map(s -> {
            IssuerKeys keys = new IssuerKeys(s, deps.dependency("issuer:" + s.issuer()), http);
            keys.start().block(Duration.ofSeconds(5));
            keys.close();
            return new TokenVerifier.Issuer(s, keys);
        }).toList();
        verifier = new TokenVerifier(issuers, 100);
    }

    TestTokens.Builder token() {
        return TestTokens.builder(new ECKey.Builder(key).keyID("k1").build()).issuer(ISS).subject(SUB)
                .audience("tollgate").issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(5));
    }

    void rejected(String compact, String reason) {
        assertThatThrownBy(() -> verifier.verify(compact, Instant.now()))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer(ISS).subject(SUB).audience("tollgate")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
    }

    @Test
    void aGoodTokenVerifiesOnceAndIsRememberedByItsHash() {
        String t = token().sign();
        VerifiedToken v = verifier.verify(t, Instant.now());
        assertThat(v.principal()).isEqualTo(SUB);
        assertThat(verifier.verify(t, Instant.now())).isSameAs(v);
    }

    @Test
    void aKeyPublishedForEncryptionOrAnotherAlgorithmDoesNotVerify() throws Exception {
        Path dir = Files.createTempDirectory("tokens");
        ECKey enc = new ECKey.Builder(key.toPublicJWK()).keyID("enc").keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION)
                .build();
        ECKey es384 = new ECKey.Builder(key.toPublicJWK()).keyID("es384").algorithm(JWSAlgorithm.ES384).build();
        ECKey sig = new ECKey.Builder(key.toPublicJWK()).keyID("sig").keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).build();
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(List.of(enc, es384, sig)).toString());
        IssuerSettings s = IssuerSettings.of(ISS, dir.resolve("jwks.json"), null, List.of("tollgate"),
                List.of("ES256"), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(1),
                List.of("acme.test"));
        IssuerKeys keys = new IssuerKeys(s, DependencyRegistry.ofDefaults().dependency("issuer:x"), HttpClient.create());
        keys.start().block(Duration.ofSeconds(5));
        keys.close();
        TokenVerifier v = new TokenVerifier(List.of(new TokenVerifier.Issuer(s, keys)), 10);
        for (String kid : List.of("enc", "es384")) {
            String t = token().header(h -> h.keyID(kid)).sign();
            assertThatThrownBy(() -> v.verify(t, Instant.now())).isInstanceOfSatisfying(TokenRejectedException.class,
                    e -> assertThat(e.reason()).isEqualTo("token.key-mismatch"));
        }
        assertThat(v.verify(token().header(h -> h.keyID("sig")).sign(), Instant.now()).principal()).isEqualTo(SUB);
    }

    @Test
    void anOidcIssuerVouchesOnlyForSpiffeIdsOfItsTrustDomains() {
        rejected(token().subject("spiffe://globex.test/ns/billing/sa/invoicer").sign(), "token.principal.trust-domain");
        rejected(token().subject("SPIFFE://acme.test/ns/shop/sa/checkout").sign(), "token.principal");
        assertThat(verifier.verify(token().subject("a-client-id").sign(), Instant.now()).principal())
                .as("its own clients need no trust domain").isEqualTo("a-client-id");
        assertThatThrownBy(() -> new IssuerSettings(K8S, Path.of("jwks.json"), null, null, null, null, null, null,
                null, null, null, null, "kubernetes", null, List.of("acme.test"), null, null, null, null, null, null))
                .hasMessageContaining("trust-domains is for the oidc preset");
    }

    @Test
    void algNoneIsNeverAccepted() {
        rejected(new PlainJWT(claims()).serialize(), "token.malformed");
        String forged = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"k1\"}") + "." + Base64URL.encode(
                claims().toString()) + "." + Base64URL.encode(new byte[64]);
        assertThatThrownBy(() -> verifier.verify(forged, Instant.now())).isInstanceOf(TokenRejectedException.class);
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        // The classic confusion: the verifier's public key used as an HMAC secret.
        byte[] publicKeyBytes = key.toECPublicKey().getEncoded();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims());
        jwt.sign(new MACSigner(publicKeyBytes));
        rejected(jwt.serialize(), "token.algorithm");
    }

    @Test
    void keysInjectedThroughTheTokensOwnHeadersAreRefused() throws Exception {
        rejected(TestTokens.builder(attacker).issuer(ISS).subject(SUB).audience("tollgate").issuedAt(Instant.now())
                .expiresIn(Duration.ofMinutes(5)).header(h -> h.jwk(attacker.toPublicJWK())).sign(), "token.header.jwk");
        rejected(TestTokens.builder(attacker).issuer(ISS).subject(SUB).audience("tollgate").issuedAt(Instant.now())
                .expiresIn(Duration.ofMinutes(5)).header(h -> h.jwkURL(URI.create("https://evil.test/jwks"))).sign(),
                "token.header.jku");
        rejected(TestTokens.builder(attacker).issuer(ISS).subject(SUB).audience("tollgate").issuedAt(Instant.now())
                .expiresIn(Duration.ofMinutes(5)).header(h -> h.x509CertURL(URI.create("https://evil.test/cert")))
                .sign(), "token.header.x5u");
        rejected(token().header(h -> h.x509CertChain(List.of(Base64.encode("not-a-cert")))).sign(), "token.header.x5c");
    }

    @Test
    void unknownKidUnknownCritAndAllZeroSignature() {
        assertThatThrownBy(() -> verifier.verify(token().header(h -> h.keyID("rotated-away")).sign(), Instant.now()))
                .isInstanceOf(UnknownKeyException.class);
        rejected(token().header(h -> h.customParam("x-policy", "p").criticalParams(Set.of("x-policy"))).sign(),
                "token.header.crit");
        String good = token().sign();
        rejected(good.substring(0, good.lastIndexOf('.') + 1) + Base64URL.encode(new byte[64]), "token.signature");
        rejected(TestTokens.builder(new ECKey.Builder(attacker).keyID("k1").build()).issuer(ISS).subject(SUB)
                .audience("tollgate").issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(5)).sign(),
                "token.signature");
    }

    @Test
    void timeBounds() {
        Instant now = Instant.now();
        rejected(token().issuedAt(now.minusSeconds(3600)).expiresAt(now.minusSeconds(60)).sign(), "token.expired");
        rejected(token().claim("nbf", Date.from(now.plusSeconds(600))).sign(), "token.not-yet-valid");
        rejected(token().issuedAt(now.plusSeconds(600)).expiresIn(Duration.ofMinutes(5)).sign(),
                "token.issued-in-future");
        rejected(token().expiresIn(Duration.ofHours(2)).sign(), "token.lifetime");
        assertThat(verifier.verify(token().expiresIn(Duration.ofMinutes(59)).sign(), now)).isNotNull();
    }

    @Test
    void audienceAndIssuer() {
        rejected(token().audience("someone-else").sign(), "token.audience");
        rejected(token().issuer("https://evil.test").sign(), "token.issuer");
    }

    @Test
    void ed25519TokensVerify() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed").type(JOSEObjectType.JWT).build();
        String input = header.toBase64URL() + "." + Base64URL.encode(claims().toString());
        KeyPair keys = edKey.keys();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(keys.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        String compact = input + "." + Base64URL.encode(s.sign());
        assertThat(verifier.verify(compact, Instant.now()).principal()).isEqualTo(SUB);
    }

    @Test
    void jwtSvidProfile() {
        TestTokens.Builder svid = token().issuer(SPIRE);
        assertThat(verifier.verify(svid.sign(), Instant.now()).principal()).isEqualTo(SUB);
        rejected(token().issuer(SPIRE).subject("spiffe://globex.test/ns/x/sa/y").sign(),
                "token.jwt-svid.trust-domain");
        rejected(token().issuer(SPIRE).subject("checkout").sign(), "token.jwt-svid.subject");
        rejected(token().issuer(SPIRE).header(h -> h.contentType("JWT")).sign(), "token.header.jwt-svid");
        rejected(token().issuer(SPIRE).header(h -> h.type(new JOSEObjectType("at+jwt"))).sign(), "token.header.typ");
    }

    @Test
    void kubernetesServiceAccountTokensMapToNamespaceServiceAccountAndPod() {
        Map<String, Object> k8s = Map.of("namespace", "shop", "serviceaccount", Map.of("name", "checkout", "uid", "u1"),
                "pod", Map.of("name", "checkout-7d9f", "uid", "u2"));
        VerifiedToken v = verifier.verify(token().issuer(K8S).subject("system:serviceaccount:shop:checkout")
                .claim("kubernetes.io", k8s).sign(), Instant.now());
        assertThat(v.principal()).isEqualTo("system:serviceaccount:shop:checkout");
        assertThat(v.tenant()).isEqualTo("acme");
        assertThat(v.attributes()).containsEntry("namespace", "shop").containsEntry("service_account", "checkout")
                .containsEntry("pod", "checkout-7d9f");
        rejected(token().issuer(K8S).subject("system:serviceaccount:shop:admin").claim("kubernetes.io", k8s).sign(),
                "token.kubernetes");
        rejected(token().issuer(K8S).subject("system:serviceaccount:shop:checkout").sign(), "token.kubernetes");
    }
}
