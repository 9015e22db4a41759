package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * DPoP over real TLS, through the shared gateway: required / optional / disabled routes, the replay check, nonces,
 * RFC 9449 challenges — and a second gateway instance on the same Redis, to which a replayed proof fails too.
 */
class DPoPEndToEndTest extends GatewayTestBase {

    final ECKey key = TestProofs.newEcKey();

    String boundToken() {
        return fixture.token(GatewayFixture.CHECKOUT).confirmation(TestProofs.cnf(key)).sign();
    }

    String proof(String method, String path, String token) {
        String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return TestProofs.es256(key).request(method, DPOP_ORIGIN + withoutQuery, token).sign();
    }

    TlsClient.Response send(String method, String path, Map<String, String> headers) {
        return client(fixture.checkout).send(method, path, headers);
    }

    static DecisionEvent eventOf(TlsClient.Response r) {
        String id = r.header("X-Tollgate-Decision-Id");
        if (id == null) {
            id = r.problemDecisionId();
        }
        return decisions.await(id);
    }

    static void assertChallenge(TlsClient.Response r, String error) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().getAll("WWW-Authenticate")).singleElement().asString()
                .startsWith("DPoP ").contains("algs=\"ES256 EdDSA ES384 RS256 PS256\"")
                .contains("error=\"" + error + "\"");
    }

    @Test
    void aValidProofIsAcceptedOnceItsReplayIsRefusedAndNoCredentialReachesTheUpstream() {
        String token = boundToken();
        String proof = proof("GET", "/dpop/acme/required/orders/1", token);
        TlsClient.Response ok = send("GET", "/dpop/acme/required/orders/1", TlsClient.dpop(token, proof));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        LoggedRequest upstream = fixture.upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(
                        "/dpop/acme/required/orders/1"))).get(0);
        assertThat(upstream.containsHeader("Authorization")).isFalse();
        assertThat(upstream.containsHeader("DPoP")).isFalse();
        DecisionEvent allowed = decisions.await(upstream.getHeader("X-Tollgate-Decision-Id"));
        assertThat(allowed.jkt()).isEqualTo(TestProofs.thumbprint(key));
        assertThat(allowed.credentials()).contains("dpop", "jwt", "mtls");

        TlsClient.Response replay = send("GET", "/dpop/acme/required/orders/1", TlsClient.dpop(token, proof));
        assertChallenge(replay, "invalid_dpop_proof");
        assertThat(replay.body()).contains("\"code\":\"dpop.replay\"");
        DecisionEvent refused = eventOf(replay);
        assertThat(refused.principal()).as("a refused replay is logged with its principal")
                .isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(refused.reason()).isEqualTo("dpop.replay");

        // Issue 12: re-spelling the proof does not make it new. Its other valid ECDSA signature is the same jti and
        // key, so the same replay; a padded or standard-alphabet spelling is not base64url and is refused as such.
        TlsClient.Response malleated = send("GET", "/dpop/acme/required/orders/1",
                TlsClient.dpop(token, TestProofs.malleateEs256(proof)));
        assertThat(malleated.body()).contains("\"code\":\"dpop.replay\"");
        for (String respelt : List.of(proof + "=", proof.replace('-', '+').replace('_', '/') + "==")) {
            TlsClient.Response r = send("GET", "/dpop/acme/required/orders/1", TlsClient.dpop(token, respelt));
            assertChallenge(r, "invalid_dpop_proof");
            assertThat(r.body()).contains("\"code\":\"dpop.malformed\"");
        }
    }

    @Test
    void theQueryStringIsNotPartOfHtuButTheOriginIs() {
        String token = boundToken();
        TlsClient.Response ok = send("GET", "/dpop/acme/required/orders/2?expand=items",
                TlsClient.dpop(token, proof("GET", "/dpop/acme/required/orders/2", token)));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        String ownOrigin = TestProofs.es256(key).request("GET", "https://localhost:" + port
                + "/dpop/acme/required/orders/2", token).sign();
        TlsClient.Response wrongOrigin = send("GET", "/dpop/acme/required/orders/2", TlsClient.dpop(token, ownOrigin));
        assertChallenge(wrongOrigin, "invalid_dpop_proof");
        assertThat(wrongOrigin.body()).contains("dpop.htu");
        TlsClient.Response lowercase = send("GET", "/dpop/acme/required/orders/2", TlsClient.dpop(token,
                TestProofs.es256(key).request("get", DPOP_ORIGIN + "/dpop/acme/required/orders/2", token).sign()));
        assertChallenge(lowercase, "invalid_dpop_proof");
        assertThat(lowercase.body()).contains("dpop.htm");
    }

    @Test
    void aRequiredRouteRefusesBearerAndMissingProofsWithDPoPChallenges() {
        String token = boundToken();
        TlsClient.Response none = send("GET", "/dpop/acme/required/orders/1", Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().getAll("WWW-Authenticate")).singleElement().asString().startsWith("DPoP ")
                .contains("algs=");
        assertChallenge(send("GET", "/dpop/acme/required/orders/1", TlsClient.bearer(token)), "invalid_token");
        TlsClient.Response noProof = send("GET", "/dpop/acme/required/orders/1", Map.of("Authorization",
                "DPoP " + token));
        assertChallenge(noProof, "invalid_dpop_proof");
        assertThat(noProof.body()).contains("dpop.missing");
        String unbound = fixture.token(GatewayFixture.CHECKOUT).sign();
        TlsClient.Response notBound = send("GET", "/dpop/acme/required/orders/1",
                TlsClient.dpop(unbound, proof("GET", "/dpop/acme/required/orders/1", unbound)));
        assertChallenge(notBound, "invalid_token");
        TlsClient.Response twoProofs = client(fixture.checkout).sendEach("GET", "/dpop/acme/required/orders/1",
                List.of(Map.entry("Authorization", "DPoP " + token),
                        Map.entry("DPoP", proof("GET", "/dpop/acme/required/orders/1", token)),
                        Map.entry("DPoP", proof("GET", "/dpop/acme/required/orders/1", token))));
        assertChallenge(twoProofs, "invalid_dpop_proof");
        assertThat(twoProofs.body()).contains("dpop.multiple");
        TlsClient.Response otherKey = send("GET", "/dpop/acme/required/orders/1", TlsClient.dpop(token,
                TestProofs.es256(TestProofs.newEcKey()).request("GET", DPOP_ORIGIN + "/dpop/acme/required/orders/1",
                        token).sign()));
        assertChallenge(otherKey, "invalid_token");
        assertThat(otherKey.body()).contains("dpop.jkt-mismatch");
    }

    @Test
    void anOptionalRouteTakesUnboundBearerTokensButNeverABoundTokenWithoutItsProof() {
        String unbound = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThat(send("GET", "/dpop/acme/optional/x", TlsClient.bearer(unbound)).status()).isEqualTo(200);
        String bound = boundToken();
        assertChallenge(send("GET", "/dpop/acme/optional/x", TlsClient.bearer(bound)), "invalid_token");
        TlsClient.Response withProof = send("POST", "/dpop/acme/optional/x",
                TlsClient.dpop(bound, proof("POST", "/dpop/acme/optional/x", bound)));
        assertThat(withProof.status()).as(withProof.body()).isEqualTo(200);
        TlsClient.Response none = send("GET", "/dpop/acme/optional/x", Map.of());
        assertThat(none.headers().getAll("WWW-Authenticate")).hasSize(2)
                .anySatisfy(c -> assertThat(c).startsWith("Bearer "))
                .anySatisfy(c -> assertThat(c).startsWith("DPoP ").contains("algs="));
    }

    @Test
    void aRouteWithoutDPoPRefusesTheSchemeAndBoundTokens() {
        String bound = boundToken();
        TlsClient.Response scheme = send("GET", "/api/acme/orders/1",
                TlsClient.dpop(bound, proof("GET", "/api/acme/orders/1", bound)));
        assertThat(scheme.status()).isEqualTo(401);
        assertThat(scheme.header("WWW-Authenticate")).startsWith("Bearer ");
        assertThat(scheme.body()).contains("dpop.disabled");
        TlsClient.Response asBearer = send("GET", "/api/acme/orders/1", TlsClient.bearer(bound));
        assertThat(asBearer.status()).isEqualTo(401);
        assertThat(asBearer.body()).contains("token.dpop-bound");
    }

    @Test
    void serverNoncesAreIssuedOnDemandAndOnSuccess() {
        String token = boundToken();
        String path = "/dpop/acme/nonce/orders/1";
        TlsClient.Response first = send("GET", path, TlsClient.dpop(token, proof("GET", path, token)));
        assertChallenge(first, "use_dpop_nonce");
        String nonce = first.header("DPoP-Nonce");
        assertThat(nonce).isNotBlank();
        String withNonce = TestProofs.es256(key).request("GET", DPOP_ORIGIN + path, token).claim("nonce", nonce)
                .sign();
        TlsClient.Response ok = send("GET", path, TlsClient.dpop(token, withNonce));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.header("DPoP-Nonce")).isEqualTo(nonce);
    }

    @Test
    void twoGatewayInstancesOnOneRedisAcceptTheSameProofExactlyOnce() {
        Map<String, Object> properties = new HashMap<>();
        register((name, value) -> properties.put(name, value.get()), "need");
        properties.put("server.port", "0");
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(TollgateApplication.class)
                .properties(properties).run()) {
            int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
            TlsClient other = new TlsClient(secondPort, fixture.checkout);
            int accepted = 0;
            int replays = 0;
            for (int i = 0; i < 20; i++) {
                String token = boundToken();
                String proof = proof("POST", "/dpop/acme/required/orders/" + i, token);
                TlsClient.Response[] answers = {
                    (i % 2 == 0 ? client(fixture.checkout) : other).send("POST", "/dpop/acme/required/orders/" + i,
                            TlsClient.dpop(token, proof)),
                    (i % 2 == 0 ? other : client(fixture.checkout)).send("POST", "/dpop/acme/required/orders/" + i,
                            TlsClient.dpop(token, proof))};
                for (TlsClient.Response r : answers) {
                    if (r.status() == 200) {
                        accepted++;
                    } else {
                        assertChallenge(r, "invalid_dpop_proof");
                        assertThat(r.body()).contains("dpop.replay");
                        replays++;
                    }
                }
            }
            assertThat(accepted).isEqualTo(20);
            assertThat(replays).isEqualTo(20);
        }
    }
}
