package dev.tollgate.perf.jmh;

import dev.tollgate.gateway.crypto.SignatureProviders;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One native ES256 verification after the request path has had the caches: in a gateway a proof's signature is
 * checked between two requests' worth of other work, not back to back as in {@link DPoPBenchmark#signatureOnly}.
 * {@code evicted} walks {@code bytes} of memory (one write per cache line) before each verification; {@code walkOnly}
 * is the walk alone, so the verification's cost in place is the difference.
 * <pre>taskset -c 0 perf/jmh.sh ColdCacheVerify -p bytes=0,262144,1048576,4194304</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ColdCacheVerifyBenchmark {

    @Param({"0", "262144", "1048576", "4194304"})
    public int bytes;

    @Param({"accp"})
    public String provider;

    private Provider chosen;
    private PublicKey publicKey;
    private byte[] signingInput;
    private byte[] signature;
    private byte[] junk;
    private int pass;

    @Setup
    public void setUp() throws Exception {
        chosen = SignatureProviders.select(List.of(provider)).forJws("ES256");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        signingInput = "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJHRVQifQ".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(signingInput);
        signature = signer.sign();
        publicKey = chosen == null ? keys.getPublic() : KeyFactory.getInstance("EC", chosen)
                .generatePublic(new X509EncodedKeySpec(keys.getPublic().getEncoded()));
        junk = new byte[Math.max(bytes, 64)];
    }

    @Benchmark
    public boolean evicted() throws Exception {
        walk();
        Signature s = chosen == null ? Signature.getInstance("SHA256withECDSA")
                : Signature.getInstance("SHA256withECDSA", chosen);
        s.initVerify(publicKey);
        s.update(signingInput);
        return s.verify(signature);
    }

    @Benchmark
    public int walkOnly() {
        return walk();
    }

    /** One write per 64-byte line, so each line is owned dirty by this core and pushes out what was there. */
    private int walk() {
        byte[] j = junk;
        int p = ++pass;
        for (int i = 0; i < bytes; i += 64) {
            j[i] = (byte) (p + i);
        }
        return j[0];
    }
}
