package dev.tollgate.perf.jmh;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionEventEncoder;
import dev.tollgate.gateway.token.IssuerKeys;
import dev.tollgate.gateway.token.IssuerSettings;
import dev.tollgate.gateway.token.TokenVerifier;
import dev.tollgate.gateway.token.VerifiedToken;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import reactor.netty.http.client.HttpClient;

/**
 * The per-request steps of Tollgate, each alone: a workload JWT parsed and verified (ES256, RS256; the verified-token
 * cache bypassed by a fresh token per call is not possible without signing, so "uncached" verifies a token whose
 * cache entry is dropped first), a verified-token cache hit, one decision-log event encoded, and the whole in-process
 * authorization of one request (token cache hit + policy decision + event encoding) without the network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestPathBenchmark {

    private TokenVerifier verifier;
    private String es256;
    private String rs256;
    private String es256Hash;
    private String rs256Hash;
    private PolicyEngine policy;
    private AccessRequest access;
    private DecisionEvent event;
    private final DecisionEventEncoder encoder = new DecisionEventEncoder();

    @Setup
    public void setUp() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        RSAKey rsa = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        Path dir = Files.createTempDirectory("tollgate-bench");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(ec.toPublicJWK(), rsa.toPublicJWK())).toString());
        IssuerSettings settings = IssuerSettings.of("https://issuer.bench", jwks, null, List.of("tollgate"),
                List.of("ES256", "RS256"), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(1),
                List.of("acme.bench"));
        IssuerKeys keys = new IssuerKeys(settings, DependencyRegistry.ofDefaults().dependency("issuer:bench"),
                HttpClient.create());
        keys.start(); // a local key file is read here, at once
        verifier = new TokenVerifier(List.of(new TokenVerifier.Issuer(settings, keys)), 10_000);
        es256 = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), new ECDSASigner(ec));
        rs256 = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), new RSASSASigner(rsa));
        es256Hash = verifier.verify(es256, Instant.now()).tokenId();
        rs256Hash = verifier.verify(rs256, Instant.now()).tokenId();

        policy = BenchPolicies.acme(dir);
        access = new AccessRequest("acme", new Principal("spiffe://acme.bench/ns/shop/sa/checkout", "acme.bench",
                "acme", "https://issuer.bench", Map.of(), Set.of(CredentialKind.MTLS, CredentialKind.JWT)), "GET",
                "/api/acme/orders/42", Map.of(), Map.of(), Map.of("route", "acme-api"), Instant.now());
        event = DecisionEvent.of("0123456789abcdef0123456789abcdef", Instant.now())
                .outcome("ALLOW", 200, "policy.permit").route("acme-api").tenant("acme")
                .principal("spiffe://acme.bench/ns/shop/sa/checkout", "acme.bench").request("GET", "/api/acme/orders/42")
                .decidedBy(List.of("reads"), "0123456789abcdef").credentials(List.of("jwt", "mtls"))
                .credentialReferences(es256Hash, UUID.randomUUID().toString(), null, "x5t").cache("MISS")
                .latencyMicros(42).build();
    }

    private static String sign(JWSHeader header, com.nimbusds.jose.JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().issuer("https://issuer.bench")
                .subject("spiffe://acme.bench/ns/shop/sa/checkout").audience("tollgate")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(50))))
                .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Benchmark
    public VerifiedToken jwtVerifyEs256() {
        verifier.invalidate(es256Hash);
        return verifier.verify(es256, Instant.now());
    }

    @Benchmark
    public VerifiedToken jwtVerifyRs256() {
        verifier.invalidate(rs256Hash);
        return verifier.verify(rs256, Instant.now());
    }

    @Benchmark
    public VerifiedToken verifiedTokenCacheHit() {
        return verifier.verify(es256, Instant.now());
    }

    /** The one-reading check every request's path goes through before routing (route.RequestPaths). */
    @Benchmark
    public String requestPathCheck() {
        return dev.tollgate.gateway.route.RequestPaths.refusal("/api/acme/orders/caf%C3%A9/lines/42", false);
    }

    @Benchmark
    public Decision policyDecision() {
        return policy.authorize(access);
    }

    @Benchmark
    public String decisionLogEncoding() {
        return encoder.encode(event);
    }

    @Benchmark
    public String wholeAuthorizationInProcess() {
        VerifiedToken token = verifier.verify(es256, Instant.now());
        Decision d = policy.authorize(access);
        return encoder.encode(DecisionEvent.of(event.decisionId(), Instant.now())
                .outcome(d.allowed() ? "ALLOW" : "DENY", 200, "policy.permit").route("acme-api").tenant("acme")
                .principal(token.subject(), "acme.bench").request("GET", access.resource())
                .decidedBy(d.decidingRules(), d.revision().toString()).credentials(List.of("jwt", "mtls"))
                .credentialReferences(token.tokenId(), token.jti(), null, null).cache("MISS").latencyMicros(1).build());
    }
}
