package dev.tollgate.gateway.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The known-answer test a signature provider passes before {@link SignatureProviders} uses it: it must verify a
 * signature the JDK made (a vector in {@code provider-self-test.properties}), and refuse the same signature with one bit
 * flipped and an all-zero one. Fixed vectors rather than keys generated and signed at every start: on a cold JVM that
 * generation and the JDK's signing made the whole selection take 1.24–1.47 s instead of 0.97–1.02 s.
 */
final class ProviderSelfTest {

    private static final Logger log = LoggerFactory.getLogger(ProviderSelfTest.class);
    static final byte[] MESSAGE = "tollgate provider self-test".getBytes(StandardCharsets.UTF_8);
    private static final Properties VECTORS = load();

    private ProviderSelfTest() {
    }

    static boolean passes(String jca, Provider candidate) {
        try {
            PublicKey key = publicKey(jca);
            byte[] good = signature(jca);
            byte[] tampered = good.clone();
            tampered[tampered.length / 2] ^= 0x01;
            return verify(jca, candidate, key, good) && !verify(jca, candidate, key, tampered)
                    && !verify(jca, candidate, key, new byte[good.length]);
        } catch (Exception | LinkageError e) {
            log.debug("signature provider {} failed the {} self-test: {}", candidate.getName(), jca, e.toString());
            return false;
        }
    }

    /** The vector's public key, decoded by the JDK. */
    static PublicKey publicKey(String jca) throws java.security.GeneralSecurityException {
        String type = jca.endsWith("ECDSA") ? "EC" : jca.endsWith("RSA") ? "RSA" : "Ed25519";
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(vector(jca, "key")));
    }

    static byte[] signature(String jca) {
        return vector(jca, "signature");
    }

    private static byte[] vector(String jca, String part) {
        String value = VECTORS.getProperty(jca + "." + part);
        if (value == null) {
            throw new IllegalStateException("no self-test vector " + jca + "." + part);
        }
        return Base64.getDecoder().decode(value);
    }

    private static boolean verify(String jca, Provider p, PublicKey key, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(jca, p);
        verifier.initVerify(key);
        verifier.update(MESSAGE);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false; // a malformed signature is a failed verification
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = ProviderSelfTest.class.getResourceAsStream("provider-self-test.properties")) {
            if (in == null) {
                throw new IllegalStateException("provider-self-test.properties is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
