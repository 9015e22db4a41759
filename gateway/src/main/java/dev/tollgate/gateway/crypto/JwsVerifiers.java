package dev.tollgate.gateway.crypto;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JWS verifiers for public JWKs, on the provider {@link SignatureProviders} chose for the algorithm. A verifier is
 * built once per key and algorithm and remembered (bounded): a workload signs every DPoP proof with the same key, and
 * building one costs a curve-point validation and, for a native provider, a key import.
 */
public final class JwsVerifiers {

    private final SignatureProviders providers;
    private final Cache<String, JWSVerifier> cache;
    /** Parsed header keys by their JSON members; only public keys are kept. */
    private final Cache<Map<String, Object>, PublicJwk> keys;

    public JwsVerifiers(SignatureProviders providers, long maxKeys) {
        this.providers = providers;
        this.cache = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
        this.keys = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
    }

    /**
     * A public key carried in a JWS header ({@code jwk}), parsed, with its RFC 7638 thumbprint.
     *
     * @param jwk        the key (never private)
     * @param thumbprint base64url SHA-256 thumbprint
     */
    public record PublicJwk(JWK jwk, String thumbprint) {
    }

    /**
     * Parses a header's {@code jwk} member, remembering it (bounded) by its members: a workload sends the same key in
     * every DPoP proof, and parsing it (an EC point check in big-integer arithmetic) and hashing its thumbprint cost
     * more than looking it up. Equal members are the same key, whatever else the header says.
     *
     * @throws ParseException when the member is not a JSON object, not a well-formed JWK, or a private key
     */
    public PublicJwk publicJwk(Object member) throws ParseException {
        if (!(member instanceof Map<?, ?> map)) {
            throw new ParseException("the jwk header parameter is not a JSON object", 0);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) map;
        PublicJwk known = keys.getIfPresent(members);
        if (known != null) {
            return known;
        }
        JWK jwk = JWK.parse(members);
        if (jwk.isPrivate()) {
            throw new ParseException("the jwk header parameter is a private key", 0); // as Nimbus's header parser says
        }
        PublicJwk parsed;
        try {
            parsed = new PublicJwk(jwk, jwk.computeThumbprint().toString());
        } catch (JOSEException e) {
            throw new ParseException("no thumbprint for the jwk: " + e.getMessage(), 0);
        }
        // A copy as the key: the caller's map must not be able to change an entry's hash.
        keys.put(Collections.unmodifiableMap(new LinkedHashMap<>(members)), parsed);
        return parsed;
    }

    public SignatureProviders providers() {
        return providers;
    }

    /**
     * A verifier for {@code alg} with {@code key}. {@code cacheKey} identifies the key (its thumbprint), or is
     * {@code null} to build without remembering.
     */
    public JWSVerifier verifier(JWSAlgorithm alg, JWK key, String cacheKey) throws JOSEException {
        if (cacheKey == null) {
            return build(alg, key);
        }
        JWSVerifier cached = cache.getIfPresent(alg.getName() + '|' + cacheKey);
        if (cached != null) {
            return cached;
        }
        JWSVerifier built = build(alg, key);
        cache.put(alg.getName() + '|' + cacheKey, built);
        return built;
    }

    private JWSVerifier build(JWSAlgorithm alg, JWK key) throws JOSEException {
        Provider provider = providers.forJws(alg.getName());
        if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec) {
            ECPublicKey pub = ec.toECPublicKey(); // Nimbus checks the point is on the curve
            ECDSAVerifier v = new ECDSAVerifier(provider == null ? pub : (ECPublicKey) nativeKey(pub, "EC", provider));
            v.getJCAContext().setProvider(provider);
            return v;
        }
        if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
            RSAPublicKey pub = rsa.toRSAPublicKey();
            boolean pss = alg.getName().startsWith("PS");
            RSASSAVerifier v = new RSASSAVerifier(pss || provider == null ? pub
                    : (RSAPublicKey) nativeKey(pub, "RSA", provider));
            v.getJCAContext().setProvider(pss ? null : provider);
            return v;
        }
        if ((JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg)) && key instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp, provider);
        }
        throw new JOSEException("key type " + key.getKeyType() + " does not fit algorithm " + alg);
    }

    /** The key in the provider's own form, so it is not re-imported on every verification. */
    private static PublicKey nativeKey(PublicKey key, String type, Provider provider) {
        try {
            PublicKey converted = KeyFactory.getInstance(type, provider)
                    .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
            return (type.equals("EC") ? converted instanceof ECPublicKey : converted instanceof RSAPublicKey)
                    ? converted : key;
        } catch (Exception e) {
            return key;
        }
    }
}
