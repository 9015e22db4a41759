package dev.tollgate.gateway.crypto;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.math.BigInteger;
import java.util.Set;

/**
 * The rules every JWS Tollgate verifies must pass before its signature is checked, shared by the token verifier and
 * the conformance tests that hold it to public suites (C2SP/wycheproof): which header members are refused, and which
 * keys may verify which algorithm. Each rule returns why it failed, or {@code null}.
 */
public final class JwsRules {

    /** JOSE headers that would let a JWS choose its own key: refused outright, by presence. */
    public static final Set<String> KEY_BEARING_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");
    /** A SPIFFE bundle marks its JWT authorities' use as {@code jwt-svid}, which is a signing use too. */
    private static final Set<String> SIGNING_USES = Set.of(KeyUse.SIGNATURE.identifier(), "jwt-svid");
    private static final int MIN_RSA_BITS = 2048;

    private JwsRules() {
    }

    /**
     * Why the header is refused ({@code header.jku}, {@code header.crit}), or {@code null}. Members count by presence:
     * {@code "jku": null} and {@code "x5c": []} are members a lenient reader might still act on. Tollgate understands
     * no JWS extension, and an empty {@code crit} is itself invalid (RFC 7515 4.1.11).
     */
    public static String headerViolation(CompactJws jws) {
        for (String name : KEY_BEARING_HEADERS) {
            if (jws.hasHeader(name)) {
                return "header." + name;
            }
        }
        return jws.hasHeader("crit") ? "header.crit" : null;
    }

    /**
     * Why {@code key} may not verify {@code alg}, or {@code null}: it must be a public asymmetric key; published for
     * signing if its {@code use} says; with {@code verify} among its {@code key_ops} if it lists them; for this
     * algorithm if its {@code alg} says (RFC 7517 4.2-4.4); and an RSA key must have at least 2048 bits, an odd public
     * exponent of at least 3 (e = 1 makes every message its own signature), and not be a ROCA key (CVE-2017-15361),
     * whose private half anyone can compute.
     */
    public static String keyViolation(JWK key, JWSAlgorithm alg) {
        if (!(key instanceof AsymmetricJWK) || key.isPrivate()) {
            return "key.not-public-asymmetric";
        }
        if (key.getKeyUse() != null && !SIGNING_USES.contains(key.getKeyUse().identifier())) {
            return "key.use";
        }
        if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return "key.key-ops";
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return "key.algorithm";
        }
        if (key instanceof RSAKey rsa) {
            BigInteger n = rsa.getModulus().decodeToBigInteger();
            BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
            if (n.bitLength() < MIN_RSA_BITS || e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
                return "key.rsa-weak";
            }
            if (RocaFingerprint.matches(n)) {
                return "key.rsa-roca";
            }
        }
        return null;
    }
}
