package dev.tollgate.gateway.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import reactor.netty.DisposableServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.gateway.demo.Certificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

/**
 * Everything an end-to-end test needs, made once per test JVM: a server certificate, two trust domains
 * ({@code acme.test} → tenant acme, {@code globex.test} → tenant globex) with workloads, a CA nobody trusts, a token
 * issuer with its JWKS file, tenant policies, and a WireMock upstream on loopback.
 */
public final class GatewayFixture {

    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "tollgate";
    public static final String CHECKOUT = "spiffe://acme.test/ns/shop/sa/checkout";
    public static final String REPORTER = "spiffe://acme.test/ns/shop/sa/reporter";
    public static final String INVOICER = "spiffe://globex.test/ns/billing/sa/invoicer";
    public static final String INITECH_API = "spiffe://initech.test/ns/app/sa/api";
    public static final String HOOLI_API = "spiffe://hooli.test/ns/app/sa/api";
    public static final String UMBRELLA_API = "spiffe://umbrella.test/ns/app/sa/api";
    public static final String UMBRELLA_ENDPOINT = "spiffe://umbrella.test/spire/server";
    public static final String OPERATOR = "spiffe://ops.test/ns/ops/sa/operator";
    public static final String VIEWER = "spiffe://ops.test/ns/ops/sa/viewer";
    /** The AuthZEN Todo app's PEP (config/examples/authzen-todo), bound to tenant todo. */
    public static final String TODO_BACKEND = "spiffe://ops.test/ns/todo/sa/backend";
    /** An acme workload only the MCP tests use (others revoke their callers). */
    public static final String ANALYST = "spiffe://acme.test/ns/data/sa/analyst";
    /** An AI agent workload that acts for others (RFC 8693 act). */
    public static final String PLANNER = "spiffe://acme.test/agents/planner";
    /** The resource identifier of the MCP route {@code /mcp/weather} (RFC 8707 / 9728). */
    public static final String WEATHER_RESOURCE = "https://api.tollgate.test/mcp/weather";

    private static GatewayFixture instance;

    public final Path dir;
    public final Certificates.Issued serverCa;
    public final Certificates.Issued acmeCa;
    public final Certificates.Issued globexCa;
    public final Certificates.Issued foreignCa;
    public final Certificates.Issued checkout;
    public final Certificates.Issued reporter;
    public final Certificates.Issued invoicer;
    public final Certificates.Issued initechCa;
    public final Certificates.Issued initechApi;
    public final Certificates.Issued opsCa;
    /** hooli.test's CA is published only through its SPIFFE bundle endpoint ({@code /hooli/bundle}). */
    public final Certificates.Issued hooliCa;
    public final Certificates.Issued hooliApi;
    /**
     * umbrella.test federates over the https_spiffe profile: the bootstrap bundle holds CA 1, which issued the bundle
     * endpoint's SVID; the endpoint's bundle adds CA 2, which issued {@link #umbrellaApi}.
     */
    public final Certificates.Issued umbrellaApi;
    public final DisposableServer umbrellaBundleEndpoint;
    public final Certificates.Issued operator;
    public final Certificates.Issued viewer;
    public final Certificates.Issued planner;
    public final Certificates.Issued analyst;
    public final Certificates.Issued todoBackend;
    /** The gateway's own X.509-SVID for upstream mTLS (issue 16, item 4), in {@code upstream-svid*.pem}. */
    public static final String GATEWAY_SVID = "spiffe://ops.test/ns/edge/sa/tollgate";
    public static final String BACKEND = "spiffe://acme.test/ns/shop/sa/orders-backend";
    public final Certificates.Issued opsCaForUpstreams;
    /** A TLS upstream that requires a client certificate of ops.test and answers with the one it saw. */
    public final DisposableServer backend;
    /** The same, presenting another SPIFFE ID than {@link #BACKEND}. */
    public final DisposableServer impostor;
    /** MCP servers (the official Java SDK) behind the MCP routes. */
    public final McpServers mcp;
    public final ECKey issuerKey;
    public final ECKey unknownKey;
    public final WireMockServer upstream;
    /** Serves JWKS for the remote issuers ({@code /rotating/jwks}, {@code /flaky/jwks}). */
    public final WireMockServer idp;
    public final ECKey rotatingA;
    public final ECKey rotatingB;
    /** hooli.test's JWT authority, published in its SPIFFE bundle at {@code /hooli/bundle}. */
    public final ECKey hooliJwtKey;

    public static synchronized GatewayFixture get() {
        if (instance == null) {
            instance = new GatewayFixture();
        }
        return instance;
    }

    private GatewayFixture() {
        try {
            dir = Files.createTempDirectory("tollgate-e2e");
            serverCa = Certificates.selfSigned(Certificates.ca("test server CA"));
            Certificates.issue(serverCa, Certificates.server("localhost")).writePem(path("server.pem"),
                    path("server-key.pem"));
            acmeCa = Certificates.selfSigned(Certificates.ca("acme.test CA").uri("spiffe://acme.test"));
            globexCa = Certificates.selfSigned(Certificates.ca("globex.test CA").uri("spiffe://globex.test"));
            foreignCa = Certificates.selfSigned(Certificates.ca("foreign CA").uri("spiffe://acme.test"));
            Certificates.writePem(path("acme-bundle.pem"), acmeCa.certificate());
            Certificates.writePem(path("globex-bundle.pem"), globexCa.certificate());
            checkout = Certificates.issue(acmeCa, Certificates.svid(CHECKOUT));
            reporter = Certificates.issue(acmeCa, Certificates.svid(REPORTER));
            invoicer = Certificates.issue(globexCa, Certificates.svid(INVOICER));
            initechCa = Certificates.selfSigned(Certificates.ca("initech.test CA").uri("spiffe://initech.test"));
            Certificates.writePem(path("initech-bundle.pem"), initechCa.certificate());
            initechApi = Certificates.issue(initechCa, Certificates.svid(INITECH_API));
            hooliCa = Certificates.selfSigned(Certificates.ca("hooli.test CA").uri("spiffe://hooli.test"));
            hooliApi = Certificates.issue(hooliCa, Certificates.svid(HOOLI_API));
            Certificates.Issued umbrellaCa = Certificates.selfSigned(Certificates.ca("umbrella.test CA")
                    .uri("spiffe://umbrella.test"));
            Certificates.Issued umbrellaCa2 = Certificates.selfSigned(Certificates.ca("umbrella.test CA 2")
                    .uri("spiffe://umbrella.test"));
            Certificates.writePem(path("umbrella-bootstrap.pem"), umbrellaCa.certificate());
            umbrellaApi = Certificates.issue(umbrellaCa2, Certificates.svid(UMBRELLA_API));
            umbrellaBundleEndpoint = spiffeBundleEndpoint(Certificates.issue(umbrellaCa,
                    Certificates.svid(UMBRELLA_ENDPOINT)), umbrellaCa, umbrellaCa2);
            opsCa = Certificates.selfSigned(Certificates.ca("ops.test CA").uri("spiffe://ops.test"));
            Certificates.writePem(path("ops-bundle.pem"), opsCa.certificate());
            operator = Certificates.issue(opsCa, Certificates.svid(OPERATOR));
            viewer = Certificates.issue(opsCa, Certificates.svid(VIEWER));
            planner = Certificates.issue(acmeCa, Certificates.svid(PLANNER));
            analyst = Certificates.issue(acmeCa, Certificates.svid(ANALYST));
            todoBackend = Certificates.issue(opsCa, Certificates.svid(TODO_BACKEND));
            opsCaForUpstreams = opsCa;
            writeGatewaySvid();
            backend = tlsUpstream(Certificates.issue(acmeCa, Certificates.svid(BACKEND)), opsCa);
            impostor = tlsUpstream(Certificates.issue(acmeCa, Certificates.svid(
                    "spiffe://acme.test/ns/shop/sa/impostor")), opsCa);
            mcp = new McpServers();
            issuerKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
            unknownKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
            Files.writeString(path("jwks.json"), new JWKSet(issuerKey.toPublicJWK()).toString());
            writePolicies();
            upstream = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
            upstream.start();
            upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("upstream-ok")));
            rotatingA = new ECKeyGenerator(Curve.P_256).keyID("rotating-a").generate();
            rotatingB = new ECKeyGenerator(Curve.P_256).keyID("rotating-b").generate();
            hooliJwtKey = new ECKeyGenerator(Curve.P_256).keyID("hooli-jwt-1").generate();
            idp = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
            idp.start();
            serveIdpKeys();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a new gateway SVID (a new key and serial) over {@code upstream-svid.pem} / {@code upstream-svid-key.pem},
     * each file replaced atomically, as a SPIFFE helper would rotate it. Returns its serial number.
     */
    public java.math.BigInteger writeGatewaySvid() throws IOException {
        Certificates.Issued svid = Certificates.issue(opsCa, Certificates.svid(GATEWAY_SVID));
        svid.writePem(path("upstream-svid.pem.tmp"), path("upstream-svid-key.pem.tmp"));
        Files.move(path("upstream-svid-key.pem.tmp"), path("upstream-svid-key.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(path("upstream-svid.pem.tmp"), path("upstream-svid.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return svid.certificate().getSerialNumber();
    }

    /**
     * A TLS upstream on loopback presenting {@code svid}, requiring a client certificate issued by {@code clientCa}, and
     * answering {@code <client SPIFFE ID> <client certificate serial>}; it closes each connection, so every request
     * is a new handshake.
     */
    private static DisposableServer tlsUpstream(Certificates.Issued svid, Certificates.Issued clientCa)
            throws Exception {
        var tls = io.netty.handler.ssl.SslContextBuilder.forServer(svid.key(), svid.certificate())
                .trustManager(clientCa.certificate()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE).build();
        return reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(tls))
                .handle((req, res) -> {
                    String seen;
                    try {
                        var ssl = ((reactor.netty.Connection) req).channel().pipeline()
                                .get(io.netty.handler.ssl.SslHandler.class);
                        var peer = (java.security.cert.X509Certificate) ssl.engine().getSession()
                                .getPeerCertificates()[0];
                        seen = dev.tollgate.gateway.identity.SvidIdentity.of(peer) + " " + peer.getSerialNumber();
                    } catch (Exception e) {
                        seen = "none";
                    }
                    return res.header("Connection", "close").sendString(reactor.core.publisher.Mono.just(seen));
                })
                .bindNow();
    }

    /** An https_spiffe bundle endpoint on loopback: presents {@code svid}, serves a bundle of {@code cas}. */
    private static DisposableServer spiffeBundleEndpoint(Certificates.Issued svid, Certificates.Issued... cas)
            throws Exception {
        StringBuilder keys = new StringBuilder();
        for (Certificates.Issued ca : cas) {
            keys.append(keys.isEmpty() ? "" : ",").append(new ECKey.Builder(ECKey.parse(ca.certificate()))
                    .keyUse(new com.nimbusds.jose.jwk.KeyUse("x509-svid")).build().toJSONString());
        }
        String bundle = "{\"keys\":[" + keys + "],\"spiffe_sequence\":1}";
        var tls = io.netty.handler.ssl.SslContextBuilder.forServer(svid.key(), svid.certificate()).build();
        return reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(tls))
                .route(r -> r.get("/bundle", (req, res) -> res.header("content-type", "application/json")
                        .sendString(reactor.core.publisher.Mono.just(bundle))))
                .bindNow();
    }

    /** The remote issuers' normal keys: key A for {@code rotating}, the test issuer's key for {@code flaky}. */
    public void serveIdpKeys() {
        idp.resetAll();
        serveJwks("/rotating/jwks", rotatingA);
        serveJwks("/flaky/jwks", issuerKey);
        serveHooliBundle(1);
    }

    /** hooli.test's SPIFFE bundle: its CA as the X.509 authority, {@link #hooliJwtKey} as the JWT authority. */
    public void serveHooliBundle(long sequence) {
        try {
            String x509 = new ECKey.Builder(ECKey.parse(hooliCa.certificate()))
                    .keyUse(new com.nimbusds.jose.jwk.KeyUse("x509-svid")).build().toJSONString();
            String jwt = new ECKey.Builder(hooliJwtKey.toPublicJWK())
                    .keyUse(new com.nimbusds.jose.jwk.KeyUse("jwt-svid")).build().toJSONString();
            idp.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/hooli/bundle")).willReturn(
                    aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(
                            "{\"keys\":[" + x509 + "," + jwt + "],\"spiffe_sequence\":" + sequence
                                    + ",\"spiffe_refresh_hint\":300}")));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public void serveJwks(String path, ECKey... keys) {
        idp.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(path)).willReturn(aResponse()
                .withStatus(200).withHeader("content-type", "application/json")
                .withBody(new JWKSet(java.util.Arrays.stream(keys).map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK())
                        .toList()).toString())));
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    /** A copy of a folder tree (a policy folder to change for a test without touching the shared one). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }

    /** A workload token from the test issuer. */
    public TestTokens.Builder token(String subject) {
        return TestTokens.builder(issuerKey).issuer(ISSUER).subject(subject).audience(AUDIENCE)
                .issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(10));
    }

    private void writePolicies() throws IOException {
        // The AuthZEN Todo example tenant, as shipped (AuthZenInteropTest).
        Path todo = Path.of("../config/examples/authzen-todo/policies/todo");
        Files.createDirectories(path("policies/todo"));
        try (var files = Files.list(todo)) {
            for (Path f : files.toList()) {
                Files.copy(f, path("policies/todo").resolve(f.getFileName()));
            }
        }
        Files.createDirectories(path("policies/acme"));
        Files.createDirectories(path("policies/globex"));
        Files.createDirectories(path("policies/initech"));
        Files.createDirectories(path("policies/tollgate-admin"));
        Files.createDirectories(path("policies/hooli"));
        Files.writeString(path("policies/hooli/tenant.yaml"), """
                tenant: hooli
                trust-domains: [hooli.test]
                resources: [/api/hooli/]
                """);
        Files.writeString(path("policies/hooli/api.yaml"), """
                tenant: hooli
                rules:
                  - id: api-reads
                    effect: permit
                    principal: { prefix: "spiffe://hooli.test/" }
                    action: [GET]
                    resource: "/api/hooli/**"
                """);
        Files.createDirectories(path("policies/umbrella"));
        Files.writeString(path("policies/umbrella/tenant.yaml"), """
                tenant: umbrella
                trust-domains: [umbrella.test]
                resources: [/api/umbrella/]
                """);
        Files.writeString(path("policies/umbrella/api.yaml"), """
                tenant: umbrella
                rules:
                  - id: api-reads
                    effect: permit
                    principal: { prefix: "spiffe://umbrella.test/" }
                    action: [GET]
                    resource: "/api/umbrella/**"
                """);
        Files.writeString(path("policies/acme/tenant.yaml"), """
                tenant: acme
                trust-domains: [acme.test]
                issuers: ["%s"]
                resources: [/api/acme/, /token-only/acme/, /dpop/acme/, /mcp/, /upstream/acme/]
                """.formatted(AbstractGatewayTest.PARTNER_APP_ISSUER));
        Files.writeString(path("policies/globex/tenant.yaml"), """
                tenant: globex
                trust-domains: [globex.test]
                resources: [/api/globex/]
                """);
        Files.writeString(path("policies/initech/tenant.yaml"), """
                tenant: initech
                trust-domains: [initech.test]
                resources: [/api/initech/]
                """);
        Files.writeString(path("policies/tollgate-admin/tenant.yaml"), """
                tenant: tollgate-admin
                trust-domains: [ops.test]
                resources: [/]
                """);
        Files.writeString(path("policies/initech/api.yaml"), """
                tenant: initech
                rules:
                  - id: api-reads
                    effect: permit
                    principal: { prefix: "spiffe://initech.test/" }
                    action: [GET]
                    resource: "/api/initech/**"
                """);
        // initech keeps its entity directory in the entity store (issue 13: directories too large for files).
        Files.writeString(path("policies/initech/entities.yaml"), """
                tenant: initech
                directory: store
                schema:
                  principal: { clearance: int }
                  resource: { level: int, owner: string }
                  groups: [writers]
                """);
        Files.writeString(path("policies/initech/docs.yaml"), """
                tenant: initech
                rules:
                  - id: writers-write
                    effect: permit
                    principal: { in-group: [writers] }
                    action: [PUT]
                    resource: "/api/initech/docs/**"
                  - id: above-clearance
                    effect: forbid
                    action: [GET]
                    resource: "/api/initech/docs/**"
                    when: resource.attrs.level > principal.attrs.clearance
                """);
        Files.writeString(path("policies/tollgate-admin/admin.yaml"), """
                tenant: tollgate-admin
                rules:
                  - id: operators-administer
                    effect: permit
                    principal: { exact: "spiffe://ops.test/ns/ops/sa/operator" }
                    action: [revocations.list, revocations.create, revocations.delete, revocations.reseed, tenants.suspend,
                             tenants.resume, tenants.offboard, policies.reload, authzen.evaluate, policies.explain,
                             entities.write, entities.read, entities.delete, policies.shadow, policies.activate,
                             policies.rollback, fleet.read]
                    resource: "/**"
                  - id: todo-backend-asks
                    effect: permit
                    principal: { exact: "spiffe://ops.test/ns/todo/sa/backend" }
                    action: [authzen.evaluate]
                    resource: "/**"
                  - id: viewers-list
                    effect: permit
                    principal: { exact: "spiffe://ops.test/ns/ops/sa/viewer" }
                    action: [revocations.list]
                    resource: "/revocations"
                """);
        Files.writeString(path("policies/acme/orders.yaml"), """
                tenant: acme
                rules:
                  - id: checkout-reads-orders
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    action: [GET]
                    resource: "/api/acme/orders/{id}"
                  - id: checkout-reads-through-mtls-upstreams
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    action: [GET]
                    resource: "/upstream/acme/**"
                  - id: no-deletes
                    effect: forbid
                    principal: { prefix: "spiffe://acme.test/" }
                    action: [DELETE]
                    resource: "/api/acme/**"
                  - id: checkout-uses-dpop-routes
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    action: [GET, POST]
                    resource: "/dpop/acme/**"
                  - id: checkout-deletes-orders
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    action: [DELETE]
                    resource: "/api/acme/orders/{id}"
                  - id: partner-app-syncs
                    effect: permit
                    principal: { issuer: "%s", exact: "sync-agent" }
                    action: [GET]
                    resource: "/token-only/acme/sync/**"
                  - id: acme-workloads-read-status
                    effect: permit
                    action: [GET]
                    resource: "/token-only/acme/status"
                  - id: planner-reads-orders-for-checkout
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    actor: { exact: "%s" }
                    action: [GET]
                    resource: "/api/acme/orders/{id}"
                """.formatted(AbstractGatewayTest.PARTNER_APP_ISSUER, PLANNER));
        Files.writeString(path("policies/acme/mcp.yaml"), """
                tenant: acme
                rules:
                  - id: mcp-sessions
                    effect: permit
                    principal: { prefix: "spiffe://acme.test/" }
                    action: [initialize, notifications/initialized, ping, tools/list, GET, DELETE]
                    resource: "/mcp/*"
                  - id: anyone-forecasts
                    effect: permit
                    principal: { prefix: "spiffe://acme.test/" }
                    action: [tools/call]
                    resource: "/mcp/*/tools/get_forecast"
                  - id: checkout-deletes-but-not-paris
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    action: [tools/call]
                    resource: "/mcp/weather-json/tools/delete_city"
                    when: mcp.arguments.city != "Paris"
                  - id: planner-for-checkout
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/shop/sa/checkout" }
                    actor: { exact: "%s" }
                    action: [initialize, notifications/initialized, tools/list, tools/call, GET, DELETE]
                    resource: "/mcp/weather/**"
                    when: mcp.name == "" || mcp.name == "get_forecast"
                  - id: nobody-resets
                    effect: forbid
                    action: [tools/call]
                    resource: "/mcp/*/tools/admin_reset"
                """.formatted(PLANNER));
        Files.writeString(path("policies/globex/invoices.yaml"), """
                tenant: globex
                rules:
                  - id: invoicer-reads-invoices
                    effect: permit
                    principal: { exact: "spiffe://globex.test/ns/billing/sa/invoicer" }
                    action: [GET]
                    resource: "/api/globex/**"
                """);
    }
}
