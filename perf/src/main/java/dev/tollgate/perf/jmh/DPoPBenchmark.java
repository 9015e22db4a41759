package dev.tollgate.perf.jmh;

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
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.dpop.DPoPNonces;
import dev.tollgate.gateway.dpop.DPoPProof;
import dev.tollgate.gateway.dpop.DPoPProofVerifier;
import dev.tollgate.gateway.dpop.DPoPSettings;
import dev.tollgate.gateway.dpop.LocalReplayStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
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
 * The DPoP path's floor and its whole check, per signature provider: {@code signatureOnly} is one raw JCA
 * verification of a proof's signature (the floor RFC 9449 imposes: every proof is fresh), {@code proofCheck} is
 * Tollgate's whole stateless check of a proof plus the in-process replay store — parse, header and claim checks,
 * thumbprint, {@code ath}, verification with the chosen provider. The target is proofCheck within 1.5× of the
 * fastest signatureOnly.
 * <pre>perf/jmh.sh DPoP -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DPoPBenchmark {

    static final String URI_ = "https://api.tollgate.test/orders/1";
    static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl";

    @Param({"accp", "conscrypt", "bc", "jdk"})
    public String provider;

    @Param({"ES256", "EdDSA"})
    public String alg;

    private Provider chosen;
    private java.security.PublicKey publicKey;
    private byte[] signingInput;
    private byte[] jcaSignature;
    private String jcaName;
    private DPoPProofVerifier verifier;
    private LocalReplayStore replays;
    private String proof;
    private String jkt;
    private Instant iat;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        SignatureProviders providers = SignatureProviders.select(List.of(provider));
        String selected = providers.describe().get(alg);
        if (!"jdk".equals(provider) && "JDK".equals(selected)) {
            throw new IllegalStateException(provider + " does not provide " + alg + " here; skipping");
        }
        chosen = providers.forJws(alg);
        iat = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).issueTime(Date.from(iat))
                .claim("htm", "GET").claim("htu", URI_).claim("ath", ath(TOKEN)).build();
        JWK publicJwk;
        if ("ES256".equals(alg)) {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            publicJwk = key.toPublicJWK();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType("dpop+jwt")).jwk(publicJwk).build(), claims);
            jwt.sign(new ECDSASigner(key));
            proof = jwt.serialize();
            publicKey = key.toECPublicKey();
            jcaName = "SHA256withECDSA";
            signingInput = jwt.getSigningInput();
            jcaSignature = com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(jwt.getSignature().decode());
        } else {
            KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = keys.getPublic().getEncoded();
            publicJwk = new OctetKeyPair.Builder(Curve.Ed25519,
                    Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32, spki.length))).build();
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("dpop+jwt"))
                    .jwk(publicJwk).build();
            String input = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            jcaSignature = s.sign();
            proof = input + "." + Base64URL.encode(jcaSignature);
            publicKey = keys.getPublic();
            jcaName = "Ed25519";
            signingInput = input.getBytes(StandardCharsets.US_ASCII);
        }
        if (chosen != null) {
            try {
                publicKey = java.security.KeyFactory.getInstance("ES256".equals(alg) ? "EC" : "Ed25519", chosen)
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(publicKey.getEncoded()));
            } catch (java.security.GeneralSecurityException e) {
                // no key factory for it in this provider: its Signature takes the JDK's key
            }
        }
        jkt = publicJwk.computeThumbprint().toString();
        DPoPSettings settings = DPoPSettings.defaults();
        verifier = new DPoPProofVerifier(settings, new JwsVerifiers(providers, 1000),
                new DPoPNonces(new byte[32], Duration.ofMinutes(5), Clock.systemUTC()));
        replays = new LocalReplayStore(Integer.MAX_VALUE, Clock.systemUTC());
    }

    @Benchmark
    public boolean signatureOnly() throws Exception {
        Signature s = chosen == null ? Signature.getInstance(jcaName) : Signature.getInstance(jcaName, chosen);
        s.initVerify(publicKey);
        s.update(signingInput);
        return s.verify(jcaSignature);
    }

    @Benchmark
    public boolean proofCheck() {
        DPoPProof p = verifier.verify(List.of(proof), "GET", URI.create(URI_), TOKEN, jkt, false, iat);
        // The replay store's work, with a key that is new each time as a fresh proof's would be.
        return replays.record(p.replayKey() + counter++, Duration.ofSeconds(70));
    }

    private static String ath(String token) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
