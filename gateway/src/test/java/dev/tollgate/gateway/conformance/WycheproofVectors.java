package dev.tollgate.gateway.conformance;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads C2SP/wycheproof {@code testvectors_v1} signature files into {@link SignatureVector}s. */
final class WycheproofVectors {

    /** The files whose algorithm is a JWS algorithm Tollgate verifies, with that algorithm. */
    static final Map<String, JWSAlgorithm> SIGNATURE_FILES = Map.ofEntries(
            Map.entry("ecdsa_secp256r1_sha256_p1363_test.json", JWSAlgorithm.ES256),
            Map.entry("ecdsa_secp384r1_sha384_p1363_test.json", JWSAlgorithm.ES384),
            Map.entry("ecdsa_secp521r1_sha512_p1363_test.json", JWSAlgorithm.ES512),
            Map.entry("ed25519_test.json", JWSAlgorithm.EdDSA),
            Map.entry("rsa_signature_2048_sha256_test.json", JWSAlgorithm.RS256),
            Map.entry("rsa_signature_3072_sha256_test.json", JWSAlgorithm.RS256),
            Map.entry("rsa_signature_4096_sha256_test.json", JWSAlgorithm.RS256),
            Map.entry("rsa_signature_2048_sha384_test.json", JWSAlgorithm.RS384),
            Map.entry("rsa_signature_3072_sha384_test.json", JWSAlgorithm.RS384),
            Map.entry("rsa_signature_4096_sha384_test.json", JWSAlgorithm.RS384),
            Map.entry("rsa_signature_2048_sha512_test.json", JWSAlgorithm.RS512),
            Map.entry("rsa_signature_3072_sha512_test.json", JWSAlgorithm.RS512),
            Map.entry("rsa_signature_4096_sha512_test.json", JWSAlgorithm.RS512),
            Map.entry("rsa_pss_2048_sha256_mgf1_32_test.json", JWSAlgorithm.PS256),
            Map.entry("rsa_pss_3072_sha256_mgf1_32_test.json", JWSAlgorithm.PS256),
            Map.entry("rsa_pss_4096_sha256_mgf1_32_test.json", JWSAlgorithm.PS256),
            Map.entry("rsa_pss_2048_sha384_mgf1_48_test.json", JWSAlgorithm.PS384),
            Map.entry("rsa_pss_4096_sha384_mgf1_48_test.json", JWSAlgorithm.PS384),
            Map.entry("rsa_pss_4096_sha512_mgf1_64_test.json", JWSAlgorithm.PS512));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WycheproofVectors() {
    }

    static List<SignatureVector> signatures(Path dir) {
        List<SignatureVector> out = new ArrayList<>();
        SIGNATURE_FILES.forEach((file, alg) -> {
            Path path = dir.resolve(file);
            if (!Files.exists(path)) {
                throw new IllegalStateException("the Wycheproof directory lacks " + file);
            }
            JsonNode root = read(path);
            for (JsonNode group : root.get("testGroups")) {
                JsonNode jwk = group.has("publicKeyJwk") ? group.get("publicKeyJwk") : group.get("keyJwk");
                JWK key = jwk != null ? parseKey(jwk) : fromDer(group, alg);
                for (JsonNode t : group.get("tests")) {
                    out.add(new SignatureVector(file, t.get("tcId").asString(), alg, key,
                            HexFormat.of().parseHex(t.get("msg").asString()),
                            HexFormat.of().parseHex(t.get("sig").asString()), t.get("result").asString(),
                            t.get("comment").asString()));
                }
            }
        });
        return out;
    }

    static JsonNode read(Path path) {
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Groups whose key has no JWK form in the file (edge-case keys): the SubjectPublicKeyInfo, as a JWK. */
    static JWK fromDer(JsonNode group, JWSAlgorithm alg) {
        try {
            byte[] der = HexFormat.of().parseHex(group.get("publicKeyDer").asString());
            if (alg.equals(JWSAlgorithm.EdDSA)) {
                byte[] raw = java.util.Arrays.copyOfRange(der, der.length - 32, der.length);
                return new com.nimbusds.jose.jwk.OctetKeyPair.Builder(com.nimbusds.jose.jwk.Curve.Ed25519,
                        com.nimbusds.jose.util.Base64URL.encode(raw)).build();
            }
            java.security.spec.X509EncodedKeySpec spec = new java.security.spec.X509EncodedKeySpec(der);
            if (JWSAlgorithm.Family.EC.contains(alg)) {
                var key = (java.security.interfaces.ECPublicKey) java.security.KeyFactory.getInstance("EC")
                        .generatePublic(spec);
                return new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(
                        key.getParams()), key).build();
            }
            var key = (java.security.interfaces.RSAPublicKey) java.security.KeyFactory.getInstance("RSA")
                    .generatePublic(spec);
            return new com.nimbusds.jose.jwk.RSAKey.Builder(key).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("unreadable Wycheproof key: " + e.getMessage());
        }
    }

    static JWK parseKey(JsonNode jwk) {
        try {
            // Wycheproof marks its keys with "kid": "none"; the key's own alg (e.g. RS256) is kept, as a JWKS has it.
            return JWK.parse(jwk.toString());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("unparseable Wycheproof key: " + e.getMessage());
        }
    }
}
