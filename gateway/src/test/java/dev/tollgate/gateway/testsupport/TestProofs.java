package dev.tollgate.gateway.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Builds DPoP proofs for tests, valid by default and breakable one check at a time. ES256 with Nimbus's signer; Ed25519
 * with the JDK's (Nimbus's Ed25519 signer needs Tink).
 */
public final class TestProofs {

    private TestProofs() {
    }

    public static ECKey newEcKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key pair: the JDK's keys and the public JWK. */
    public record EdKey(KeyPair keys, OctetKeyPair publicJwk) {
        public static EdKey generate() {
            try {
                KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] spki = keys.getPublic().getEncoded();
                byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                return new EdKey(keys, new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** RFC 7638 thumbprint, as a token's {@code cnf.jkt}. */
    public static String thumbprint(JWK key) {
        try {
            return key.toPublicJWK().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> cnf(JWK key) {
        return Map.of("jkt", thumbprint(key));
    }

    public static String ath(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Builder es256(ECKey key) {
        return new Builder(JWSAlgorithm.ES256, key.toPublicJWK(), key, null);
    }

    public static Builder ed25519(EdKey key) {
        return new Builder(JWSAlgorithm.EdDSA, key.publicJwk(), null, key);
    }

    public static final class Builder {
        private JWSHeader.Builder header;
        private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .issueTime(new Date());
        private ECKey signingEc;
        private final EdKey signingEd;
        private boolean zeroSignature;

        Builder(JWSAlgorithm alg, JWK publicJwk, ECKey signingEc, EdKey signingEd) {
            this.header = new JWSHeader.Builder(alg).type(new JOSEObjectType("dpop+jwt")).jwk(publicJwk);
            this.signingEc = signingEc;
            this.signingEd = signingEd;
        }

        /** {@code htm}, {@code htu} and {@code ath} for a request. */
        public Builder request(String method, String uri, String accessToken) {
            claims.claim("htm", method).claim("htu", uri);
            if (accessToken != null) {
                claims.claim("ath", ath(accessToken));
            }
            return this;
        }

        public Builder issuedAt(Instant iat) {
            claims.issueTime(Date.from(iat));
            return this;
        }

        public Builder claim(String name, Object value) {
            claims.claim(name, value);
            return this;
        }

        public Builder header(UnaryOperator<JWSHeader.Builder> change) {
            header = change.apply(header);
            return this;
        }

        /** Signs with a different key than the one in the {@code jwk} header. */
        public Builder signedBy(ECKey other) {
            this.signingEc = other;
            return this;
        }

        public Builder zeroSignature() {
            this.zeroSignature = true;
            return this;
        }

        public String sign() {
            JWSHeader h = header.build();
            JWTClaimsSet c = claims.build();
            String compact;
            try {
                if (signingEd != null) {
                    String input = h.toBase64URL() + "." + Base64URL.encode(c.toString());
                    Signature s = Signature.getInstance("Ed25519");
                    s.initSign(signingEd.keys().getPrivate());
                    s.update(input.getBytes(StandardCharsets.US_ASCII));
                    compact = input + "." + Base64URL.encode(s.sign());
                } else {
                    SignedJWT jwt = new SignedJWT(h, c);
                    jwt.sign(new ECDSASigner(signingEc));
                    compact = jwt.serialize();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (zeroSignature) {
                // Both ES256 (R || S) and Ed25519 signatures are 64 bytes.
                compact = compact.substring(0, compact.lastIndexOf('.') + 1) + Base64URL.encode(new byte[64]);
            }
            return compact;
        }
    }

    /** The order of P-256: (r, n - s) is a second valid ECDSA signature of the same input. */
    private static final java.math.BigInteger P256_N = new java.math.BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    /**
     * The same ES256 JWS with its other valid signature, (r, n - s): canonical base64url, same signing input, different
     * signature bytes. What an attacker does to dodge a check keyed by the whole compact form.
     */
    public static String malleateEs256(String compact) {
        int dot = compact.lastIndexOf('.');
        byte[] sig = com.nimbusds.jose.util.Base64URL.from(compact.substring(dot + 1)).decode();
        java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
        byte[] flipped = P256_N.subtract(s).toByteArray();
        byte[] out = java.util.Arrays.copyOf(sig, 64);
        java.util.Arrays.fill(out, 32, 64, (byte) 0);
        int len = Math.min(flipped.length, 32);
        System.arraycopy(flipped, flipped.length - len, out, 64 - len, len);
        return compact.substring(0, dot + 1) + com.nimbusds.jose.util.Base64URL.encode(out);
    }
}
