package dev.tollgate.gateway.conformance;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.tollgate.gateway.testsupport.TestProofs;
import java.math.BigInteger;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Signature vectors of Wycheproof's classes, generated here (seeded messages, fresh keys): for when the public suite
 * is not on the machine. Per algorithm, a valid signature and its mutations — zero and out-of-range scalars, wrong
 * lengths, flipped bits, swapped halves, DER instead of the fixed-width form, another key, another message, and the
 * non-canonical Ed25519 {@code S + L}.
 */
final class GeneratedSignatureVectors {

    private static final BigInteger ED25519_L = BigInteger.TWO.pow(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));

    private GeneratedSignatureVectors() {
    }

    static List<SignatureVector> all() {
        Random random = new Random(12L);
        List<SignatureVector> out = new ArrayList<>();
        try {
            for (Object[] ec : new Object[][] {{JWSAlgorithm.ES256, Curve.P_256}, {JWSAlgorithm.ES384, Curve.P_384},
                {JWSAlgorithm.ES512, Curve.P_521}}) {
                ECKey key = new ECKeyGenerator((Curve) ec[1]).generate();
                ECKey other = new ECKeyGenerator((Curve) ec[1]).generate();
                JWSAlgorithm alg = (JWSAlgorithm) ec[0];
                BigInteger n = key.toECPublicKey().getParams().getOrder();
                for (int i = 0; i < 4; i++) {
                    byte[] msg = message(random);
                    byte[] sig = new ECDSASigner(key).sign(new JWSHeader(alg), msg).decode();
                    out.addAll(ecdsa(alg, key.toPublicJWK(), other.toPublicJWK(), n, msg, sig, i));
                }
            }
            RSAKey rsa = new RSAKeyGenerator(2048).generate();
            RSAKey otherRsa = new RSAKeyGenerator(2048).generate();
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.RS512,
                    JWSAlgorithm.PS384)) {
                byte[] msg = message(random);
                byte[] sig = new RSASSASigner(rsa).sign(new JWSHeader(alg), msg).decode();
                out.addAll(common(alg, rsa.toPublicJWK(), otherRsa.toPublicJWK(), msg, sig, "0"));
                BigInteger modulus = rsa.getModulus().decodeToBigInteger();
                out.add(v(alg, rsa.toPublicJWK(), msg, fixed(modulus, sig.length), "invalid", "s = n", "0"));
                out.add(v(alg, rsa.toPublicJWK(), msg, fixed(modulus.add(new BigInteger(1, sig)), sig.length + 1),
                        "invalid", "s + n", "0"));
            }
            TestProofs.EdKey ed = TestProofs.EdKey.generate();
            TestProofs.EdKey otherEd = TestProofs.EdKey.generate();
            for (int i = 0; i < 4; i++) {
                byte[] msg = message(random);
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(ed.keys().getPrivate());
                s.update(msg);
                byte[] sig = s.sign();
                out.addAll(common(JWSAlgorithm.EdDSA, ed.publicJwk(), otherEd.publicJwk(), msg, sig, "" + i));
                // S + L: the same signature with a non-canonical scalar (RFC 8032 5.1.7 requires S < L).
                byte[] sLe = Arrays.copyOfRange(sig, 32, 64);
                BigInteger sValue = new BigInteger(1, reverse(sLe)).add(ED25519_L);
                byte[] bumped = Arrays.copyOf(sig, 64);
                System.arraycopy(reverse(fixed(sValue, 32)), 0, bumped, 32, 32);
                out.add(v(JWSAlgorithm.EdDSA, ed.publicJwk(), msg, bumped, "invalid", "S + L", "" + i));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static List<SignatureVector> ecdsa(JWSAlgorithm alg, JWK key, JWK other, BigInteger n, byte[] msg,
                                               byte[] sig, int i) {
        List<SignatureVector> out = new ArrayList<>(common(alg, key, other, msg, sig, "" + i));
        int half = sig.length / 2;
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, half, sig.length));
        String id = "" + i;
        out.add(v(alg, key, msg, rs(r, n.subtract(s), half), "valid", "(r, n - s): JWS does not require low s", id));
        out.add(v(alg, key, msg, rs(BigInteger.ZERO, s, half), "invalid", "r = 0", id));
        out.add(v(alg, key, msg, rs(r, BigInteger.ZERO, half), "invalid", "s = 0", id));
        out.add(v(alg, key, msg, rs(n, s, half), "invalid", "r = n", id));
        out.add(v(alg, key, msg, rs(r, n, half), "invalid", "s = n", id));
        out.add(v(alg, key, msg, rs(r.add(n), s, half + 1), "invalid", "r + n, wider", id));
        out.add(v(alg, key, msg, rs(s, r, half), "invalid", "r and s swapped", id));
        out.add(v(alg, key, msg, der(r, s), "invalid", "DER instead of the fixed-width JWS form", id));
        return out;
    }

    /** Mutations that apply to every algorithm. */
    private static List<SignatureVector> common(JWSAlgorithm alg, JWK key, JWK other, byte[] msg, byte[] sig,
                                                String id) {
        List<SignatureVector> out = new ArrayList<>();
        out.add(v(alg, key, msg, sig, "valid", "valid", id));
        out.add(v(alg, other, msg, sig, "invalid", "another key", id));
        byte[] otherMsg = Arrays.copyOf(msg, msg.length + 1);
        out.add(v(alg, key, otherMsg, sig, "invalid", "another message", id));
        out.add(v(alg, key, msg, new byte[sig.length], "invalid", "all zero", id));
        byte[] ones = new byte[sig.length];
        Arrays.fill(ones, (byte) 0xff);
        out.add(v(alg, key, msg, ones, "invalid", "all ones", id));
        out.add(v(alg, key, msg, new byte[0], "invalid", "empty", id));
        out.add(v(alg, key, msg, Arrays.copyOf(sig, sig.length - 1), "invalid", "truncated", id));
        out.add(v(alg, key, msg, Arrays.copyOf(sig, sig.length + 1), "invalid", "a byte appended", id));
        for (int bit : new int[] {0, 7, sig.length * 4, sig.length * 8 - 1}) {
            byte[] flipped = sig.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            out.add(v(alg, key, msg, flipped, "invalid", "bit " + bit + " flipped", id));
        }
        return out;
    }

    private static SignatureVector v(JWSAlgorithm alg, JWK key, byte[] msg, byte[] sig, String result, String comment,
                                     String id) {
        return new SignatureVector("generated-" + alg, id + "/" + comment, alg, key, msg, sig, result, comment);
    }

    private static byte[] message(Random random) {
        byte[] msg = new byte[1 + random.nextInt(64)];
        random.nextBytes(msg);
        return msg;
    }

    private static byte[] rs(BigInteger r, BigInteger s, int half) {
        byte[] out = new byte[half * 2];
        System.arraycopy(fixed(r, half), 0, out, 0, half);
        System.arraycopy(fixed(s, half), 0, out, half, half);
        return out;
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    private static byte[] der(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        byte[] out = new byte[6 + rb.length + sb.length];
        out[0] = 0x30;
        out[1] = (byte) (4 + rb.length + sb.length);
        out[2] = 0x02;
        out[3] = (byte) rb.length;
        System.arraycopy(rb, 0, out, 4, rb.length);
        out[4 + rb.length] = 0x02;
        out[5 + rb.length] = (byte) sb.length;
        System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
        return out;
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }
}
