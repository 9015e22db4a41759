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
        r.add("tollgate.admin.port", () -> "0");
        r.add("tollgate.issuers.test.issuer", () -> GatewayFixture.ISSUER);
        r.add("tollgate.issuers.test.jwks-file", () -> f.path("jwks.json").toString());
        r.add("tollgate.issuers.test.audiences[0]", () -> GatewayFixture.AUDIENCE);
        r.add("tollgate.issuers.test.algorithms[0]", () -> "ES256");
        r.add("tollgate.issuers.test.max-lifetime", () -> "1h");
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
    }

    @BeforeEach
    void attachRecorder() {
        decisionLog.removeSink(decisions);
        decisionLog.addSink(decisions);
    }

    protected TlsClient client(Certificates.Issued clientCertificate) {
        return new TlsClient(port, clientCertificate);
    }
}
