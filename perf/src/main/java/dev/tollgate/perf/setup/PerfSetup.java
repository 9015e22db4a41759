package dev.tollgate.perf.setup;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.demo.DemoTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes everything a load run needs into one folder: a server certificate, the perf trust domain's CA and a client
 * SVID (PEM, and combined for HAProxy's {@code ssl crt}), an issuer key with its JWKS, a workload token, the policy
 * for tenant {@code perf}, and one gateway configuration per mode.
 * <p>
 * {@code java -cp ... dev.tollgate.perf.setup.PerfSetup <dir> <upstream-port> <gateway-port>}
 */
public final class PerfSetup {

    static final String WORKLOAD = "spiffe://perf.test/ns/load/sa/client";
    /** Distinct client workloads for Gatling's virtual users. */
    public static final int CLIENTS = 32;
    /**
     * How long the tokens and proofs made here stay valid. Longer than any run: a compare.sh run of 3 repetitions
     * took over an hour on a slow host (2026-12-07), and its last repetition met 59-minute tokens already expired.
     */
    static final Duration VALIDITY = Duration.ofHours(8);

    private PerfSetup() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int upstream = Integer.parseInt(args[1]);
        int gatewayPort = Integer.parseInt(args[2]);
        Files.createDirectories(dir);
        Certificates.Issued serverCa = Certificates.selfSigned(Certificates.ca("perf server CA"));
        Certificates.writePem(dir.resolve("server-ca.pem"), serverCa.certificate());
        Certificates.issue(serverCa, Certificates.server("localhost")).writePem(dir.resolve("server.pem"),
                dir.resolve("server-key.pem"));
        Certificates.Issued ca = Certificates.selfSigned(Certificates.ca("perf.test CA").uri("spiffe://perf.test"));
        Certificates.writePem(dir.resolve("perf-bundle.pem"), ca.certificate());
        Certificates.issue(ca, Certificates.svid(WORKLOAD)).writePem(dir.resolve("client.pem"),
                dir.resolve("client-key.pem"));
        Files.writeString(dir.resolve("client-combined.pem"), Files.readString(dir.resolve("client.pem"))
                + Files.readString(dir.resolve("client-key.pem")));
        ECKey key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
        Files.writeString(dir.resolve("token.jwt"), DemoTokens.mint(key, WORKLOAD, VALIDITY));
        // The Spring Security peer's RS256 row: the same claims signed with RSA-2048; the peer's JWK Set holds both.
        RSAKey rsa = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        Files.writeString(dir.resolve("jwks-peer.json"), new JWKSet(List.of(key.toPublicJWK(), rsa.toPublicJWK()))
                .toString());
        SignedJWT rs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
                .type(JOSEObjectType.JWT).build(), SignedJWT.parse(Files.readString(dir.resolve("token.jwt")))
                .getJWTClaimsSet());
        rs256.sign(new RSASSASigner(rsa));
        Files.writeString(dir.resolve("token-rs256.jwt"), rs256.serialize());
        // One workload per Gatling virtual user (cycled): its own SVID and a token whose subject is that SVID.
        Path clients = Files.createDirectories(dir.resolve("clients"));
        for (int i = 0; i < CLIENTS; i++) {
            String id = "spiffe://perf.test/ns/load/sa/user-" + i;
            Certificates.issue(ca, Certificates.svid(id)).writePem(clients.resolve("client-" + i + ".pem"),
                    clients.resolve("client-" + i + "-key.pem"));
            Files.writeString(clients.resolve("client-" + i + ".jwt"), DemoTokens.mint(key, id, VALIDITY));
            // For the Gatling DPoP scenario: the user's own DPoP key and a token bound to it.
            ECKey dpop = new ECKeyGenerator(Curve.P_256).generate();
            Files.writeString(clients.resolve("client-" + i + "-dpop.json"), dpop.toJSONString());
            Files.writeString(clients.resolve("client-" + i + "-dpop.jwt"),
                    DemoTokens.mintDPoPBound(key, id, VALIDITY, dpop));
        }

        Path policies = Files.createDirectories(dir.resolve("policies/perf"));
        Files.writeString(policies.resolve("tenant.yaml"),
                "tenant: perf\ntrust-domains: [perf.test]\nresources: [/api/perf/, /mcp/perf, /access/]\n");
        Files.writeString(policies.resolve("rules.yaml"), """
                tenant: perf
                rules:
                  - id: load-client-reads
                    effect: permit
                    principal: { exact: "%s" }
                    action: [GET, POST]
                    resource: /api/perf/items/{id}
                  - id: load-users-read
                    effect: permit
                    principal: { pattern: "spiffe://perf.test/ns/load/sa/*" }
                    action: [GET]
                    resource: /api/perf/items/{id}
                  - id: no-deletes
                    effect: forbid
                    resource: /api/perf/**
                    action: [DELETE]
                  - id: load-client-mcp-session
                    effect: permit
                    principal: { exact: "%s" }
                    action: [GET, initialize, tools/list]
                    resource: /mcp/perf
                  - id: load-client-forecasts
                    effect: permit
                    principal: { exact: "%s" }
                    action: [tools/call]
                    resource: /mcp/perf/tools/get_forecast
                    when: "has(mcp.arguments.city) && mcp.arguments.city != 'Atlantis'"
                  - id: load-client-asks
                    effect: permit
                    principal: { exact: "%s" }
                    action: [authzen.evaluate]
                    resource: /access/**
                """.formatted(WORKLOAD, WORKLOAD, WORKLOAD, WORKLOAD));
        writeConfig(dir, "plain", "want", upstream, gatewayPort, null, "");
        writeConfig(dir, "bearer", "want", upstream, gatewayPort, "jwt", "");
        writeConfig(dir, "mtls-jwt", "need", upstream, gatewayPort, "mtls+jwt", "");
        // An MCP route (issue 17): each POST's JSON-RPC message read, decided per tool, then proxied.
        writeConfig(dir, "mcp", "want", gatewayPort, "", """
                            - id: perf
                              uri: http://127.0.0.1:%d
                              predicates: [ "Path=/api/perf/**" ]
                              filters:
                                - name: Tollgate
                                  args: { tenant: perf, requires: jwt, mcp: { server: perf } }
                  """.formatted(upstream));
        // The AuthZEN PDP (issue 13): the admin listener on the gateway port + 2, the load client as the bound PEP.
        writeConfig(dir, "authzen", "want", upstream, gatewayPort, "jwt", """
                  admin:
                    enabled: true
                    port: %d
                    tenant: perf
                    authzen:
                      peps:
                        - id: "%s"
                          tenants: [perf]
                """.formatted(gatewayPort + 2, WORKLOAD));
        writeDPoP(dir, key);
        writeFreshTokens(dir, key);
        String dpop = """
                  dpop:
                    external-uri: %s
                    # Proofs are generated before the run; a wide window keeps them valid. It costs nothing per check.
                    proof-max-age: %dh
                """.formatted(DPOP_ORIGIN, VALIDITY.toHours());
        writeConfig(dir, "dpop", "want", upstream, gatewayPort, "jwt+dpop", dpop);
        writeConfig(dir, "dpop-redis", "want", upstream, gatewayPort, "jwt+dpop", dpop + """
                  redis:
                    uri: redis://127.0.0.1:6379
                    key-prefix: "tollgate-perf:"
                """);
        writeConfig(dir, "mtls-jwt-l2", "need", upstream, gatewayPort, "mtls+jwt", """
                  redis:
                    uri: redis://127.0.0.1:6379
                    key-prefix: "tollgate-perf:"
                  decision-cache:
                    max-entries: 0
                """);
    }

    static final String DPOP_ORIGIN = "https://api.perf.test";

    /**
     * The DPoP rows' material: a token bound to one DPoP key and two files of single-use proofs (warm-up and
     * measurement), proof i addressing {@code /api/perf/items/(i % 8)} as the Lua script sends it. Signed with the
     * fastest provider available, so generating a few hundred thousand takes seconds.
     */
    private static void writeDPoP(Path dir, ECKey issuerKey) throws Exception {
        ECKey dpopKey = new ECKeyGenerator(Curve.P_256).generate();
        String jkt = dpopKey.toPublicJWK().computeThumbprint().toString();
        Instant now = Instant.now();
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(issuerKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), new JWTClaimsSet.Builder().issuer(DemoTokens.ISSUER)
                .subject(WORKLOAD).audience(DemoTokens.AUDIENCE).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(VALIDITY))).jwtID(UUID.randomUUID().toString())
                .claim("cnf", Map.of("jkt", jkt)).build());
        token.sign(new ECDSASigner(issuerKey));
        String compact = token.serialize();
        Files.writeString(dir.resolve("dpop-token.jwt"), compact);
        String ath = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(compact.getBytes(StandardCharsets.US_ASCII)));
        ECDSASigner signer = new ECDSASigner(dpopKey);
        signer.getJCAContext().setProvider(SignatureProviders.select(List.of("auto")).forJws("ES256"));
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(dpopKey.toPublicJWK()).build();
        int warm = Integer.getInteger("perf.dpop.warm", 90_000);
        // Enough for 15 s at 6,600 requests a second: a faster run would cycle back to used proofs (401s). Warm-up and
        // measured proofs together stay under 200,000, the replay capacity of builds before 2026-12-03 ([before] rows).
        int measure = Integer.getInteger("perf.dpop.measure", 100_000);
        for (String[] file : new String[][] {{"proofs-warm.txt", Integer.toString(warm)},
                {"proofs-measure.txt", Integer.toString(measure)}}) {
            try (var out = Files.newBufferedWriter(dir.resolve(file[0]))) {
                for (int i = 0; i < Integer.parseInt(file[1]); i++) {
                    SignedJWT proof = new SignedJWT(header, new JWTClaimsSet.Builder()
                            .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                            .claim("htm", "GET").claim("htu", DPOP_ORIGIN + "/api/perf/items/" + (i % 8))
                            .claim("ath", ath).build());
                    proof.sign(signer);
                    out.write(proof.serialize());
                    out.write('\n');
                }
            }
        }
    }

    /**
     * The cache-cold bearer row's material (issue 15: "a new token per request"): two files of distinct ES256 tokens
     * for the load client, one per line, warm-up and measurement. Each differs in its {@code jti} and signature, so
     * each request misses the verified-token cache and pays a signature check, as a fleet of short-lived tokens does.
     */
    private static void writeFreshTokens(Path dir, ECKey issuerKey) throws Exception {
        ECDSASigner signer = new ECDSASigner(issuerKey);
        signer.getJCAContext().setProvider(SignatureProviders.select(List.of("auto")).forJws("ES256"));
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(issuerKey.getKeyID())
                .type(JOSEObjectType.JWT).build();
        Instant now = Instant.now();
        for (String[] file : new String[][] {{"tokens-warm.txt", System.getProperty("perf.tokens.warm", "60000")},
                {"tokens-measure.txt", System.getProperty("perf.tokens.measure", "60000")}}) {
            try (var out = Files.newBufferedWriter(dir.resolve(file[0]))) {
                for (int i = 0; i < Integer.parseInt(file[1]); i++) {
                    SignedJWT token = new SignedJWT(header, new JWTClaimsSet.Builder().issuer(DemoTokens.ISSUER)
                            .subject(WORKLOAD).audience(DemoTokens.AUDIENCE).issueTime(Date.from(now))
                            .notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(VALIDITY)))
                            .jwtID(UUID.randomUUID().toString()).build());
                    token.sign(signer);
                    out.write(token.serialize());
                    out.write('\n');
                }
            }
        }
    }

    private static void writeConfig(Path dir, String mode, String clientAuth, int upstream, int port,
                                    String requires, String extra) throws Exception {
        writeConfig(dir, mode, clientAuth, port, extra, routeOf(upstream, requires));
    }

    private static String routeOf(int upstream, String requires) {
        return requires == null
                ? """
                            - id: perf
                              uri: http://127.0.0.1:%d
                              predicates: [ "Path=/api/perf/**" ]
                              metadata: { tollgate-public: true }
                  """.formatted(upstream)
                : """
                            - id: perf
                              uri: http://127.0.0.1:%d
                              predicates: [ "Path=/api/perf/**" ]
                              filters: [ "Tollgate=perf, %s" ]
                  """.formatted(upstream, requires);
    }

    private static void writeConfig(Path dir, String mode, String clientAuth, int port, String extra, String route)
            throws Exception {
        Path d = Files.createDirectories(dir.resolve("config-" + mode));
        Files.writeString(d.resolve("tollgate.yml"), """
                server:
                  port: %d
                management:
                  server:
                    port: 0
                logging:
                  level:
                    root: warn
                tollgate:
                  tls:
                    certificate: %s
                    private-key: %s
                    client-auth: %s
                  trust-domains:
                    - name: perf.test
                      tenant: perf
                      bundle-file: %s
                  issuers:
                    demo:
                      issuer: %s
                      jwks-file: %s
                      audiences: [%s]
                      algorithms: [ES256]
                      max-lifetime: %dh
                      trust-domains: [perf.test]
                  policies:
                    directory: %s
                    watch: false
                  decision-log:
                    path: %s
                %s%s
                spring:
                  cloud:
                    gateway:
                      server:
                        webflux:
                          routes:
                %s""".formatted(port, dir.resolve("server.pem"), dir.resolve("server-key.pem"), clientAuth,
                dir.resolve("perf-bundle.pem"), DemoTokens.ISSUER, dir.resolve("jwks.json"), DemoTokens.AUDIENCE,
                VALIDITY.toHours(), dir.resolve("policies"), dir.resolve("decisions-" + mode + ".jsonl"),
                extra.contains("\n  admin:") || extra.startsWith("  admin:") ? "" : "  admin:\n    enabled: false\n",
                extra, route));
    }
}
