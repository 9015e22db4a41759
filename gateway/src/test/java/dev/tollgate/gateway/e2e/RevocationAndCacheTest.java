package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.authz.DecisionCache;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.testsupport.AdminClient;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TestProofs;
import dev.tollgate.gateway.testsupport.TlsClient;
import dev.tollgate.gateway.crypto.Sha256;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The decision cache's tiers, revocation through the admin API, tenant offboarding — against a real Redis. */
class RevocationAndCacheTest extends GatewayTestBase {

    @Autowired
    AdminServer admin;

    @Autowired
    DecisionCache cache;

    private DecisionEvent call(TlsClient client, String path, String token) {
        TlsClient.Response r = client.get(path, token == null ? Map.of() : TlsClient.bearer(token));
        String id = r.header("X-Tollgate-Decision-Id") != null ? r.header("X-Tollgate-Decision-Id")
                : r.problemDecisionId();
        if (r.status() == 200) {
            id = fixture.upstream.getAllServeEvents().get(0).getRequest().getHeader("X-Tollgate-Decision-Id");
        }
        return decisions.await(id);
    }

    @Test
    void aRepeatedDecisionComesFromL1ThenFromRedisWhenL1IsEmpty() {
        TlsClient client = client(fixture.checkout);
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThat(call(client, "/api/acme/orders/7001", token).cache()).isEqualTo("MISS");
        assertThat(call(client, "/api/acme/orders/7001", token).cache()).isEqualTo("L1");
        cache.invalidateAll();
        DecisionEvent fromRedis = call(client, "/api/acme/orders/7001", token);
        assertThat(fromRedis.cache()).isEqualTo("L2");
        assertThat(fromRedis.effect()).isEqualTo("ALLOW");
        assertThat(fromRedis.decidingRules()).containsExactly("checkout-reads-orders");
        assertThat(call(client, "/api/acme/orders/7002", token).cache()).as("another resource").isEqualTo("MISS");
    }

    @Test
    void aNewPolicyRevisionNeverReadsAnOldEntry() throws Exception {
        TlsClient client = client(fixture.initechApi);
        DecisionEvent first = call(client, "/api/initech/things/1", null);
        assertThat(first.effect()).isEqualTo("ALLOW");
        assertThat(call(client, "/api/initech/things/1", null).cache()).isEqualTo("L1");

        var policy = fixture.path("policies/initech/api.yaml");
        String original = Files.readString(policy);
        try {
            Files.writeString(policy, original.replace("effect: permit", "effect: forbid"));
            assertThat(new AdminClient(admin.port(), fixture.operator).post("/policies/reload").status())
                    .isEqualTo(200);
            DecisionEvent after = call(client, "/api/initech/things/1", null);
            assertThat(after.revision()).isNotEqualTo(first.revision());
            assertThat(after.cache()).isEqualTo("MISS");
            assertThat(after.effect()).isEqualTo("DENY");
        } finally {
            Files.writeString(policy, original);
            new AdminClient(admin.port(), fixture.operator).post("/policies/reload");
        }
    }

    @Test
    void revokingAPrincipalThroughTheAdminApiDeniesItsNextRequest() {
        TlsClient client = client(fixture.reporter);
        String token = fixture.token(GatewayFixture.REPORTER).sign();
        AdminClient operator = new AdminClient(admin.port(), fixture.operator);
        assertThat(call(client, "/api/acme/orders/1", token).reason()).isEqualTo("policy.denied");

        TlsClient.Response revoked = operator.revoke("principal", GatewayFixture.REPORTER);
        assertThat(revoked.status()).isEqualTo(201);
        DecisionEvent after = call(client, "/api/acme/orders/1", token);
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.reason()).isEqualTo("revoked.principal");
        assertThat(operator.get("/revocations").body()).contains(GatewayFixture.REPORTER)
                .contains(GatewayFixture.OPERATOR);
    }

    @Test
    void revokingOneTokenByItsIdDeniesItInEverySpellingButNotAFreshOne() {
        TlsClient client = client(fixture.checkout);
        String stolen = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThat(call(client, "/api/acme/orders/9", stolen).effect()).isEqualTo("ALLOW");
        String tokenId = Sha256.hex(stolen.substring(0, stolen.lastIndexOf('.')));
        assertThat(new AdminClient(admin.port(), fixture.operator).revoke("token", tokenId).status())
                .isEqualTo(201);
        assertThat(call(client, "/api/acme/orders/9", stolen).reason()).isEqualTo("revoked.token");
        // Issue 12: the thief re-spells the token. Its other ECDSA signature is the same token, the same id: revoked.
        assertThat(call(client, "/api/acme/orders/9", TestProofs.malleateEs256(stolen)).reason())
                .isEqualTo("revoked.token");
        // Padding or the standard alphabet is not base64url: refused before anything else.
        for (String respelt : List.of(stolen + "=", stolen.replace('-', '+').replace('_', '/') + "==")) {
            TlsClient.Response r = client.get("/api/acme/orders/9", TlsClient.bearer(respelt));
            assertThat(r.status()).isIn(400, 401);
            assertThat(r.body()).contains("token.malformed");
        }
        String fresh = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThat(call(client, "/api/acme/orders/9", fresh).effect()).isEqualTo("ALLOW");
    }

    @Test
    void offboardingATenantDeniesAllItsPrincipalsAndCannotBeResumed() {
        TlsClient client = client(fixture.initechApi);
        AdminClient operator = new AdminClient(admin.port(), fixture.operator);
        assertThat(operator.post("/tenants/initech/suspend").status()).isEqualTo(200);
        assertThat(call(client, "/api/initech/things/2", null).reason()).isEqualTo("revoked.tenant-suspended");
        assertThat(operator.post("/tenants/initech/resume").status()).isEqualTo(200);
        assertThat(call(client, "/api/initech/things/2", null).effect()).isEqualTo("ALLOW");

        assertThat(operator.post("/tenants/initech/offboard").status()).isEqualTo(200);
        assertThat(call(client, "/api/initech/things/3", null).reason()).isEqualTo("revoked.tenant-offboarded");
        assertThat(operator.post("/tenants/initech/resume").status()).isEqualTo(409);
        assertThat(call(client, "/api/initech/things/3", null).status()).isEqualTo(403);
    }

    @Test
    void theAdminApiIsAuthorizedByPolicyAndRefusesWorkloadsOfOtherTenants() {
        AdminClient viewer = new AdminClient(admin.port(), fixture.viewer);
        assertThat(viewer.get("/revocations").status()).isEqualTo(200);
        TlsClient.Response denied = viewer.revoke("principal", GatewayFixture.CHECKOUT);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("policy.denied");
        assertThat(new AdminClient(admin.port(), fixture.checkout).get("/revocations").status())
                .as("an API workload is not an admin").isEqualTo(403);
        assertThat(new AdminClient(admin.port(), fixture.operator).revoke("everything", "x").status())
                .isEqualTo(400);
        // Reseeding the shared list from this instance's view is an operator's action (issue 16: after Redis lost it).
        assertThat(viewer.post("/revocations/reseed").status()).isEqualTo(403);
        TlsClient.Response reseeded = new AdminClient(admin.port(), fixture.operator).post("/revocations/reseed");
        assertThat(reseeded.status()).isEqualTo(200);
        assertThat(reseeded.body()).startsWith("{\"reseeded\":");
    }
}
