package dev.tollgate.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.util.Base64URL;
import dev.tollgate.gateway.crypto.CompactJws;
import dev.tollgate.gateway.crypto.JwsRules;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.SignatureProviders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Whole compact JWSs — header, key choice and signature — through the checks every token and proof meets before its
 * claims are read ({@link CompactJws}, {@link JwsRules}, {@link JwsVerifiers}): C2SP/wycheproof's
 * {@code json_web_signature_test.json} and {@code json_web_key_test.json} when present, generated cases of the same
 * classes always. An invalid JWS accepted is a failure; a valid one refused must be a difference kept on purpose.
 */
class JoseConformanceTest {

    /** Tollgate verifies asymmetric signatures only: HMAC and {@code none} are never accepted. */
    static final Set<JWSAlgorithm> ASYMMETRIC;

    static {
        Set<JWSAlgorithm> algs = new java.util.HashSet<>(JWSAlgorithm.Family.RSA);
        algs.addAll(JWSAlgorithm.Family.EC);
        algs.add(JWSAlgorithm.EdDSA);
        algs.add(JWSAlgorithm.Ed25519);
        ASYMMETRIC = Set.copyOf(algs);
    }

    /**
     * Valid vectors refused on purpose, with why. Every HMAC vector is also refused (reason {@code algorithm}): a
     * gateway that holds only public keys has no shared secret to check them with.
     */
    static final Map<String, String> KEPT_DIFFERENCES = Map.of(
            "json_web_signature_test.json#346", "the key says alg PS256, the JWS PS384: RFC 7517 4.4 lets the key's alg"
                    + " refuse it",
            "json_web_signature_test.json#347", "the key says alg ES521, not a JWS algorithm; the JWS is ES512",
            "json_web_signature_test.json#350", "as 346, key_ops variant",
            "json_web_signature_test.json#351", "as 347, key_ops variant",
            "json_web_signature_test.json#372", "a character outside base64url inserted in the header: Wycheproof lets a"
                    + " decoder skip it; Tollgate refuses every non-canonical spelling (RFC 7515 2, issue 12 class 2)",
            "json_web_signature_test.json#373", "as 372, in the payload");

    final JwsVerifiers verifiers = new JwsVerifiers(SignatureProviders.select(List.of("auto")), 1_000);

    @Test
    void generatedCasesOfEveryClass() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        JWK pub = key.toPublicJWK();
        String good = sign(key, "{\"alg\":\"ES256\",\"kid\":\"k\"}", "foo");
        Map<String, Boolean> cases = new LinkedHashMap<>();
        cases.put("valid", true);
        List<Object[]> table = List.of(
                new Object[] {"valid", good, List.of(pub), true},
                new Object[] {"empty payload", sign(key, "{\"alg\":\"ES256\",\"kid\":\"k\"}", ""), List.of(pub), true},
                new Object[] {"key for encryption", good, List.of(new ECKey.Builder(key.toPublicJWK())
                    .keyUse(KeyUse.ENCRYPTION).build()), false},
                new Object[] {"key_ops encrypt", good, List.of(new ECKey.Builder(key.toPublicJWK())
                    .keyOperations(Set.of(KeyOperation.ENCRYPT)).build()), false},
                new Object[] {"key for ES512", good, List.of(new ECKey.Builder(key.toPublicJWK())
                    .algorithm(JWSAlgorithm.ES512).build()), false},
                new Object[] {"two keys, one kid", good, List.of(pub, new ECKeyGenerator(Curve.P_256).keyID("k")
                    .generate().toPublicJWK()), false},
                new Object[] {"unknown kid", sign(key, "{\"alg\":\"ES256\",\"kid\":\"other\"}", "foo"), List.of(pub),
                    false},
                new Object[] {"alg none", Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode("foo") + ".",
                    List.of(pub), false},
                new Object[] {"HS256", Base64URL.encode("{\"alg\":\"HS256\",\"kid\":\"k\"}") + ".Zm9v.c2ln",
                    List.of(pub), false},
                new Object[] {"jku", sign(key, "{\"alg\":\"ES256\",\"kid\":\"k\",\"jku\":\"https://x.test\"}", "foo"),
                    List.of(pub), false},
                new Object[] {"crit []", sign(key, "{\"alg\":\"ES256\",\"kid\":\"k\",\"crit\":[]}", "foo"),
                    List.of(pub), false},
                new Object[] {"padded", good + "=", List.of(pub), false},
                new Object[] {"four parts", good + ".e30", List.of(pub), false},
                new Object[] {"duplicate alg", sign(key, "{\"alg\":\"ES256\",\"alg\":\"HS256\",\"kid\":\"k\"}", "foo"),
                    List.of(pub), false});
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            String outcome = outcome((String) row[1], (List<JWK>) row[2]);
            assertThat(outcome.equals("accepted")).as("%s: %s", row[0], outcome).isEqualTo(row[3]);
        }
    }

    @Test
    void wycheproofJwsAndJwkVectorsWhenTheSuiteIsPresent() {
        Path dir = PublicSuites.wycheproof();
        if (dir == null) {
            System.out.println("Wycheproof: -Dtollgate.wycheproof.dir not set; the generated cases stand in");
            return;
        }
        List<String> invalidAccepted = new ArrayList<>();
        List<String> validRefused = new ArrayList<>();
        int run = 0;
        for (String file : List.of("json_web_signature_test.json", "json_web_key_test.json")) {
            JsonNode root = WycheproofVectors.read(dir.resolve(file));
            for (JsonNode group : root.get("testGroups")) {
                List<JWK> keys = keys(group.has("public") ? group.get("public") : group.get("private"));
                for (JsonNode t : group.get("tests")) {
                    if (!t.has("jws") || !t.get("jws").isString()) {
                        continue; // the JSON serialisation; Tollgate takes compact JWSs only
                    }
                    run++;
                    String id = file + "#" + t.get("tcId").asString();
                    String outcome = outcome(t.get("jws").asString(), keys);
                    String result = t.get("result").asString();
                    if (result.equals("invalid") && outcome.equals("accepted")) {
                        invalidAccepted.add(id + " (" + t.get("comment").asString() + ")");
                    } else if (result.equals("valid") && !outcome.equals("accepted")
                            && !outcome.equals("algorithm") && !KEPT_DIFFERENCES.containsKey(id)) {
                        validRefused.add(id + " (" + t.get("comment").asString() + "): " + outcome);
                    }
                }
            }
        }
        System.out.printf("Wycheproof JWS/JWK: %d compact vectors run%n", run);
        assertThat(run).isGreaterThan(300);
        assertThat(invalidAccepted).as("invalid JWSs accepted").isEmpty();
        assertThat(validRefused).as("valid JWSs refused without a kept reason").isEmpty();
    }

    /** "accepted", or the first rule the JWS failed. */
    String outcome(String compact, List<JWK> keys) {
        CompactJws jws;
        JWSHeader header;
        try {
            jws = CompactJws.parse(compact, false);
            String refused = JwsRules.headerViolation(jws);
            if (refused != null) {
                return refused;
            }
            header = JWSHeader.parse(jws.header(), jws.encodedHeader());
        } catch (java.text.ParseException | RuntimeException e) { // MalformedJwsException among them
            return "malformed";
        }
        if (!ASYMMETRIC.contains(header.getAlgorithm())) {
            return "algorithm";
        }
        List<JWK> candidates = keys.stream().filter(k -> header.getKeyID() == null
                || header.getKeyID().equals(k.getKeyID())).toList();
        if (candidates.size() != 1) {
            return candidates.isEmpty() ? "unknown-key" : "ambiguous-key";
        }
        JWK key = candidates.get(0);
        String keyRule = JwsRules.keyViolation(key, header.getAlgorithm());
        if (keyRule != null) {
            return keyRule;
        }
        try {
            return verifiers.verifier(header.getAlgorithm(), key, key.computeThumbprint().toString())
                    .verify(header, jws.signingInputBytes(), jws.signature()) ? "accepted" : "signature";
        } catch (Exception e) {
            return "signature";
        }
    }

    private static List<JWK> keys(JsonNode node) {
        List<JWK> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.has("keys")) {
            node.get("keys").forEach(k -> parse(k, out));
        } else {
            parse(node, out);
        }
        return out;
    }

    private static void parse(JsonNode node, List<JWK> out) {
        try {
            JWK jwk = JWK.parse(node.toString());
            out.add(jwk.isPrivate() && jwk.toPublicJWK() != null ? jwk.toPublicJWK() : jwk);
        } catch (java.text.ParseException | RuntimeException e) {
            // a key Nimbus cannot even parse verifies nothing
        }
    }

    private static String sign(ECKey key, String header, String payload) throws Exception {
        String input = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8));
        return input + "." + new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256),
                input.getBytes(StandardCharsets.US_ASCII));
    }
}
