package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.demo.Certificates;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A gateway for end-to-end tests on a real TLS listener; subclasses register its properties with
 * {@link #register}. Prefer {@link GatewayTestBase}, whose one context every test class shares.
 */
@SpringBootTest(classes = TollgateApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class AbstractGatewayTest {

    protected static final GatewayFixture fixture = GatewayFixture.get();
    protected static final RecordingDecisionSink decisions = new RecordingDecisionSink();
    protected static final String KEY_PREFIX = TestRedis.uniquePrefix();

    @LocalServerPort
    protected int port;

    @Autowired
    private DecisionLog decisionLog;

    /** The shared gateway's properties, for a test that starts (or fails to start) a gateway of its own. */
    public static void registerShared(DynamicPropertyRegistry r) {
        register(r, "need");
    }

    protected static void register(DynamicPropertyRegistry r, String clientAuth) {
        GatewayFixture f = fixture;
        r.add("management.server.port", () -> "0");
        r.add("tollgate.tls.certificate", () -> f.path("server.pem").toString());
        r.add("tollgate.tls.private-key", () -> f.path("server-key.pem").toString());
        r.add("tollgate.tls.client-auth", () -> clientAuth);
        r.add("tollgate.trust-domains[0].name", () -> "acme.test");
        r.add("tollgate.trust-domains[0].tenant", () -> "acme");
        r.add("tollgate.trust-domains[0].bundle-file", () -> f.path("acme-bundle.pem").toString());
        r.add("tollgate.trust-domains[1].name", () -> "globex.test");
        r.add("tollgate.trust-domains[1].tenant", () -> "globex");
        r.add("tollgate.trust-domains[1].bundle-file", () -> f.path("globex-bundle.pem").toString());
        r.add("tollgate.trust-domains[2].name", () -> "initech.test");
        r.add("tollgate.trust-domains[2].tenant", () -> "initech");
        r.add("tollgate.trust-domains[2].bundle-file", () -> f.path("initech-bundle.pem").toString());
        r.add("tollgate.trust-domains[3].name", () -> "ops.test");
        r.add("tollgate.trust-domains[3].tenant", () -> "tollgate-admin");
        r.add("tollgate.trust-domains[3].bundle-file", () -> f.path("ops-bundle.pem").toString());
        // hooli.test's bundle comes only from its SPIFFE bundle endpoint (X.509 and JWT authorities).
        r.add("tollgate.trust-domains[4].name", () -> "hooli.test");
        r.add("tollgate.trust-domains[4].tenant", () -> "hooli");
        r.add("tollgate.trust-domains[4].bundle-endpoint", () -> "http://127.0.0.1:" + f.idp.port() + "/hooli/bundle");
        // umbrella.test federates over https_spiffe: bootstrap bundle file, then its endpoint (SVID-authenticated).
        r.add("tollgate.trust-domains[5].name", () -> "umbrella.test");
        r.add("tollgate.trust-domains[5].tenant", () -> "umbrella");
        r.add("tollgate.trust-domains[5].bundle-file", () -> f.path("umbrella-bootstrap.pem").toString());
        r.add("tollgate.trust-domains[5].bundle-endpoint",
                () -> "https://127.0.0.1:" + f.umbrellaBundleEndpoint.port() + "/bundle");
        r.add("tollgate.trust-domains[5].bundle-endpoint-profile", () -> "https_spiffe");
        r.add("tollgate.trust-domains[5].endpoint-spiffe-id", () -> GatewayFixture.UMBRELLA_ENDPOINT);
        r.add("tollgate.admin.port", () -> "0");
        // The operator may ask the AuthZEN endpoints about acme and initech, not globex; users are acme's.
        r.add("tollgate.admin.authzen.peps[0].id", () -> GatewayFixture.OPERATOR);
        r.add("tollgate.admin.authzen.peps[0].tenants", () -> "acme, initech");
        r.add("tollgate.admin.authzen.subject-types.user", () -> "acme");
        // The Todo app's PEP: its own users are tenant todo's.
        r.add("tollgate.admin.authzen.peps[1].id", () -> GatewayFixture.TODO_BACKEND);
        r.add("tollgate.admin.authzen.peps[1].tenants", () -> "todo");
        r.add("tollgate.admin.authzen.peps[1].subject-types.user", () -> "todo");
        r.add("tollgate.admin.authzen.peps[1].subject-types.identity", () -> "todo");
        r.add("tollgate.issuers.test.issuer", () -> GatewayFixture.ISSUER);
        r.add("tollgate.issuers.test.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.test.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.test.audiences[1]", () -> GatewayFixture.WEATHER_RESOURCE);
        r.add("tollgate.issuers.test.algorithms[0]", () -> "ES256");
        r.add("tollgate.issuers.test.max-lifetime", () -> "1h");
        r.add("tollgate.issuers.test.trust-domains", () -> "acme.test, globex.test, initech.test");
        // Generic OIDC clients: one issuer a tenant declares, one that names tenants itself (tenant-claim).
        r.add("tollgate.issuers.partner-app.issuer", () -> PARTNER_APP_ISSUER);
        r.add("tollgate.issuers.partner-app.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.partner-app.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.partner-app.principal-claim", () -> "client_id");
        r.add("tollgate.issuers.partner-app.tenant", () -> "acme");
        r.add("tollgate.issuers.self-service.issuer", () -> SELF_SERVICE_ISSUER);
        r.add("tollgate.issuers.self-service.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.self-service.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.self-service.tenant-claim", () -> "tenant");
        // Workload-token presets and remote key sources (IssuersEndToEndTest).
        r.add("tollgate.issuers.kubernetes.issuer", () -> KUBERNETES_ISSUER);
        r.add("tollgate.issuers.kubernetes.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.kubernetes.preset", () -> "kubernetes");
        r.add("tollgate.issuers.kubernetes.trust-domain", () -> "acme.test");
        r.add("tollgate.issuers.kubernetes.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.spire.issuer", () -> SPIRE_ISSUER);
        r.add("tollgate.issuers.spire.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.spire.preset", () -> "jwt-svid");
        r.add("tollgate.issuers.spire.trust-domain", () -> "acme.test");
        r.add("tollgate.issuers.spire.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.hooli-spire.issuer", () -> HOOLI_SPIRE_ISSUER);
        r.add("tollgate.issuers.hooli-spire.trust-domain-keys", () -> "true");
        r.add("tollgate.issuers.hooli-spire.trust-domain", () -> "hooli.test");
        r.add("tollgate.issuers.hooli-spire.preset", () -> "jwt-svid");
        r.add("tollgate.issuers.hooli-spire.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.partner.issuer", () -> PARTNER_ISSUER);
        r.add("tollgate.issuers.partner.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.partner.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.partner.subject-mappings.checkout-client", () -> GatewayFixture.CHECKOUT);
        String idp = "http://127.0.0.1:" + f.idp.port();
        r.add("tollgate.issuers.rotating.issuer", () -> ROTATING_ISSUER);
        r.add("tollgate.issuers.rotating.jwks-uri", () -> idp + "/rotating/jwks");
        r.add("tollgate.issuers.rotating.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.rotating.trust-domains", () -> "acme.test");
        r.add("tollgate.issuers.rotating.refresh-interval", () -> "1h");
        r.add("tollgate.issuers.rotating.unknown-kid-refetch-interval", () -> "2s");
        r.add("tollgate.issuers.flaky.issuer", () -> FLAKY_ISSUER);
        r.add("tollgate.issuers.flaky.jwks-uri", () -> idp + "/flaky/jwks");
        r.add("tollgate.issuers.flaky.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.flaky.trust-domains", () -> "acme.test");
        r.add("tollgate.issuers.flaky.refresh-interval", () -> "200ms");
        r.add("tollgate.issuers.flaky.max-key-staleness", () -> "1s");
        r.add("tollgate.dependencies.instances.[issuer:flaky].time-limit", () -> "300ms");
        r.add("tollgate.redis.uri", TestRedis::uri);
        r.add("tollgate.redis.key-prefix", () -> KEY_PREFIX + clientAuth + ":");
        r.add("tollgate.policies.directory", () -> f.path("policies").toString());
        r.add("tollgate.decision-log.path", () -> f.path("decisions-" + clientAuth + ".jsonl").toString());
        String upstream = "http://127.0.0.1:" + f.upstream.port();
        String routes = "spring.cloud.gateway.server.webflux.routes";
        r.add(routes + "[0].id", () -> "acme-api");
        r.add(routes + "[0].uri", () -> upstream);
        r.add(routes + "[0].predicates[0]", () -> "Path=/api/acme/**");
        r.add(routes + "[0].filters[0]", () -> "Tollgate=acme, mtls+jwt");
        r.add(routes + "[1].id", () -> "globex-api");
        r.add(routes + "[1].uri", () -> upstream);
        r.add(routes + "[1].predicates[0]", () -> "Path=/api/globex/**");
        r.add(routes + "[1].filters[0]", () -> "Tollgate=globex, mtls+jwt");
        r.add(routes + "[2].id", () -> "forgotten");
        r.add(routes + "[2].uri", () -> upstream);
        r.add(routes + "[2].predicates[0]", () -> "Path=/forgotten/**");
        r.add(routes + "[3].id", () -> "public");
        r.add(routes + "[3].uri", () -> upstream);
        r.add(routes + "[3].predicates[0]", () -> "Path=/public/**");
        r.add(routes + "[3].metadata.tollgate-public", () -> "true");
        r.add(routes + "[4].id", () -> "acme-token-only");
        r.add(routes + "[4].uri", () -> upstream);
        r.add(routes + "[4].predicates[0]", () -> "Path=/token-only/acme/**");
        r.add(routes + "[4].filters[0]", () -> "Tollgate=acme, jwt");
        r.add(routes + "[5].id", () -> "initech-api");
        r.add(routes + "[5].uri", () -> upstream);
        r.add(routes + "[5].predicates[0]", () -> "Path=/api/initech/**");
        r.add(routes + "[5].filters[0]", () -> "Tollgate=initech, mtls");
        // DPoP: proofs name the external origin clients address (two instances behind one name).
        r.add("tollgate.dpop.external-uri", () -> DPOP_ORIGIN);
        r.add("tollgate.dpop.nonce-secret", () -> "dG9sbGdhdGUtdGVzdC1ub25jZS1zZWNyZXQtMzJieXRlcw==");
        r.add(routes + "[6].id", () -> "acme-dpop");
        r.add(routes + "[6].uri", () -> upstream);
        r.add(routes + "[6].predicates[0]", () -> "Path=/dpop/acme/required/**");
        r.add(routes + "[6].filters[0]", () -> "Tollgate=acme, jwt+dpop");
        r.add(routes + "[7].id", () -> "acme-dpop-optional");
        r.add(routes + "[7].uri", () -> upstream);
        r.add(routes + "[7].predicates[0]", () -> "Path=/dpop/acme/optional/**");
        r.add(routes + "[7].filters[0].name", () -> "Tollgate");
        r.add(routes + "[7].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[7].filters[0].args.requires", () -> "jwt");
        r.add(routes + "[7].filters[0].args.dpop", () -> "optional");
        r.add(routes + "[8].id", () -> "acme-dpop-nonce");
        r.add(routes + "[8].uri", () -> upstream);
        r.add(routes + "[8].predicates[0]", () -> "Path=/dpop/acme/nonce/**");
        r.add(routes + "[8].filters[0].name", () -> "Tollgate");
        r.add(routes + "[8].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[8].filters[0].args.requires", () -> "jwt+dpop");
        r.add(routes + "[8].filters[0].args.dpop-nonce", () -> "true");
        r.add(routes + "[9].id", () -> "acme-dpop-degraded");
        r.add(routes + "[9].uri", () -> upstream);
        r.add(routes + "[9].predicates[0]", () -> "Path=/dpop/acme/degraded/**");
        r.add(routes + "[9].filters[0].name", () -> "Tollgate");
        r.add(routes + "[9].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[9].filters[0].args.requires", () -> "jwt+dpop");
        r.add(routes + "[9].filters[0].args.failure-mode", () -> "degrade");
        r.add(routes + "[9].filters[0].args.degrade.local-replay-store", () -> "true");
        r.add(routes + "[9].filters[0].args.degrade.serve-stale-decisions", () -> "1m");
        r.add(routes + "[10].id", () -> "hooli-api");
        r.add(routes + "[10].uri", () -> upstream);
        r.add(routes + "[10].predicates[0]", () -> "Path=/api/hooli/**");
        r.add(routes + "[10].filters[0]", () -> "Tollgate=hooli, mtls");
        r.add(routes + "[11].id", () -> "umbrella-api");
        r.add(routes + "[11].uri", () -> upstream);
        r.add(routes + "[11].predicates[0]", () -> "Path=/api/umbrella/**");
        r.add(routes + "[11].filters[0]", () -> "Tollgate=umbrella, mtls");
        // MCP servers (McpServers): the session-based one checks the token's resource and gets transaction tokens.
        String mcp = "http://127.0.0.1:" + f.mcp.port();
        r.add(routes + "[12].id", () -> "mcp-weather");
        r.add(routes + "[12].uri", () -> mcp);
        r.add(routes + "[12].predicates[0]", () -> "Path=/mcp/weather");
        r.add(routes + "[12].filters[0].name", () -> "Tollgate");
        r.add(routes + "[12].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[12].filters[0].args.requires", () -> "mtls+jwt");
        r.add(routes + "[12].filters[0].args.transaction-token", () -> "true");
        r.add(routes + "[12].filters[0].args.mcp.server", () -> "weather");
        r.add(routes + "[12].filters[0].args.mcp.resource", () -> GatewayFixture.WEATHER_RESOURCE);
        r.add(routes + "[12].filters[0].args.mcp.authorization-servers[0]", () -> GatewayFixture.ISSUER);
        r.add(routes + "[12].filters[0].args.mcp.max-body", () -> "64KB");
        r.add(routes + "[13].id", () -> "mcp-weather-json");
        r.add(routes + "[13].uri", () -> mcp);
        r.add(routes + "[13].predicates[0]", () -> "Path=/mcp/weather-json");
        r.add(routes + "[13].filters[0].name", () -> "Tollgate");
        r.add(routes + "[13].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[13].filters[0].args.requires", () -> "mtls");
        r.add(routes + "[13].filters[0].args.mcp.server", () -> "weather-json");
        // Mutual TLS to upstreams (issue 16, item 4): the gateway's own SVID, the upstream's SPIFFE ID pinned.
        r.add("tollgate.upstream-tls.certificate", () -> f.path("upstream-svid.pem").toString());
        r.add("tollgate.upstream-tls.private-key", () -> f.path("upstream-svid-key.pem").toString());
        r.add("tollgate.upstream-tls.reload-interval", () -> "200ms");
        r.add(routes + "[14].id", () -> "acme-backend-mtls");
        r.add(routes + "[14].uri", () -> "https://localhost:" + f.backend.port());
        r.add(routes + "[14].predicates[0]", () -> "Path=/upstream/acme/backend/**");
        r.add(routes + "[14].filters[0].name", () -> "Tollgate");
        r.add(routes + "[14].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[14].filters[0].args.requires", () -> "mtls");
        r.add(routes + "[14].filters[0].args.upstream.spiffe-id", () -> GatewayFixture.BACKEND);
        r.add(routes + "[15].id", () -> "acme-impostor-mtls");
        r.add(routes + "[15].uri", () -> "https://localhost:" + f.impostor.port());
        r.add(routes + "[15].predicates[0]", () -> "Path=/upstream/acme/impostor/**");
        r.add(routes + "[15].filters[0].name", () -> "Tollgate");
        r.add(routes + "[15].filters[0].args.tenant", () -> "acme");
        r.add(routes + "[15].filters[0].args.requires", () -> "mtls");
        r.add(routes + "[15].filters[0].args.upstream.spiffe-id", () -> GatewayFixture.BACKEND);
    }

    public static final String KUBERNETES_ISSUER = "https://kubernetes.default.svc.test";
    public static final String SPIRE_ISSUER = "https://spire.acme.test";
    public static final String PARTNER_ISSUER = "https://partner.test";
    public static final String PARTNER_APP_ISSUER = "https://login.partner-app.test";
    public static final String SELF_SERVICE_ISSUER = "https://self-service-idp.test";
    public static final String HOOLI_SPIRE_ISSUER = "https://spire.hooli.test";
    public static final String ROTATING_ISSUER = "https://rotating.test";
    public static final String FLAKY_ISSUER = "https://flaky.test";

    /** The origin DPoP proofs address ({@code tollgate.dpop.external-uri}). */
    public static final String DPOP_ORIGIN = "https://api.tollgate.test";

    /** The next free route index after the shared routes. */
    protected static final int FIRST_OWN_ROUTE = 16;

    @BeforeEach
    void attachRecorder() {
        decisionLog.removeSink(decisions);
        decisionLog.addSink(decisions);
    }

    protected TlsClient client(Certificates.Issued clientCertificate) {
        return new TlsClient(port, clientCertificate);
    }
}
