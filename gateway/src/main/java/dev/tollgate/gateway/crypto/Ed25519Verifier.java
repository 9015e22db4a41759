package dev.tollgate.gateway.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * EdDSA (Ed25519) through the JCA. Nimbus's own Ed25519 verifier needs Google Tink (and allocates heavily per
 * verification); the JDK has had Ed25519 since 15, and the chosen provider may be native.
 */
public final class Ed25519Verifier implements JWSVerifier {

    /** DER SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410); the 32 raw key bytes follow. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final PublicKey key;
    private final Provider provider;
    private final JCAContext context = new JCAContext();

    public Ed25519Verifier(OctetKeyPair jwk, Provider provider) throws JOSEException {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            throw new JOSEException("only Ed25519 is supported for EdDSA");
        }
        byte[] x = jwk.getDecodedX();
        if (x.length != 32) {
            throw new JOSEException("an Ed25519 public key is 32 bytes");
        }
        byte[] spki = new byte[SPKI_PREFIX.length + 32];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, 32);
        this.provider = provider;
        this.key = publicKey(spki, provider);
        context.setProvider(provider);
    }

    /** The key in the provider's own form where it has a key factory for it, else the JDK's. */
    private static PublicKey publicKey(byte[] spki, Provider provider) throws JOSEException {
        if (provider != null) {
            try {
                return KeyFactory.getInstance("Ed25519", provider).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                // fall through to the JDK's factory; the provider's Signature accepts its keys
            }
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("invalid Ed25519 public key", e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new JOSEException("unsupported algorithm " + header.getAlgorithm());
        }
        byte[] sig = signature.decode();
        if (sig.length != 64) {
            return false;
        }
        try {
            Signature verifier = provider == null ? Signature.getInstance("Ed25519")
                    : Signature.getInstance("Ed25519", provider);
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(sig);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 verification failed", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }
}
