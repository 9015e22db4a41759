package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.entities.EntityEntry;
import dev.tollgate.gateway.entities.EntityKey;
import dev.tollgate.gateway.entities.RedisEntityStore;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TestRedis;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 13, item 3: a tenant's entity directory kept in the entity store ({@code directory: store}) rather than in
 * {@code entities.yaml}: written through the admin API, checked against the tenant's schema, read by in-group matchers
 * and conditions on the very next request, announced to every instance, and looked up by the AuthZEN PDP too. Tenant
 * initech of the shared fixture keeps its directory in Redis.
 */
class EntityStoreTest extends GatewayTestBase {

    private static final String JSON = "application/json";

    @Autowired
    AdminServer admin;

    private TlsClient.Response adminCall(String method, String path, String body) {
        return new TlsClient(admin.port(), fixture.operator).send(method, path, Map.of("content-type", JSON), body);
    }

    private TlsClient.Response call(String method, String path) {
        return client(fixture.initechApi).send(method, path, Map.of(), method.equals("PUT") ? "{}" : null);
    }

    private static String principal(String groups, String attributes) {
        return "{\"id\":\"" + GatewayFixture.INITECH_API + "\",\"groups\":" + groups + ",\"attributes\":" + attributes
                + "}";
    }

    @Test
    void anEntryWrittenThroughTheAdminApiDecidesTheNextRequestAndItsRemovalToo() {
        String doc = "/api/initech/docs/a1";
        assertThat(call("PUT", doc).status()).as("not a writer yet").isEqualTo(403);
        assertThat(adminCall("PUT", "/entities/initech/principals", principal("[\"writers\"]", "{\"clearance\":1}"))
                .status()).isEqualTo(200);
        assertThat(call("PUT", doc).status()).as("the cached denial is not reused: the entry is part of its key")
                .isEqualTo(200);

        assertThat(call("GET", doc).status()).as("no resource entry: level 0").isEqualTo(200);
        assertThat(adminCall("PUT", "/entities/initech/resources", "{\"id\":\"" + doc
                + "\",\"attributes\":{\"level\":3,\"owner\":\"x\"}}").status()).isEqualTo(200);
        TlsClient.Response above = call("GET", doc);
        assertThat(above.status()).isEqualTo(403);
        String id = above.problemDecisionId();
        assertThat(decisions.await(id).decidingRules()).containsExactly("above-clearance");

        TlsClient.Response read = adminCall("GET", "/entities/initech/resources?id=" + doc, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("{\"id\":\"" + doc + "\",\"attributes\":{\"level\":3,\"owner\":\"x\"}}");
        assertThat(adminCall("DELETE", "/entities/initech/resources?id=" + doc, null).status()).isEqualTo(200);
        assertThat(adminCall("DELETE", "/entities/initech/resources?id=" + doc, null).status()).isEqualTo(404);
        assertThat(call("GET", doc).status()).isEqualTo(200);

        assertThat(adminCall("DELETE", "/entities/initech/principals?id=" + GatewayFixture.INITECH_API, null)
                .status()).isEqualTo(200);
        assertThat(call("PUT", doc).status()).isEqualTo(403);
    }

    /** Another instance's write reaches this one by its announcement, not by waiting out the cache TTL (30 s). */
    @Test
    void aWriteByAnotherInstanceIsSeenHereAtOnce() {
        String doc = "/api/initech/docs/b2";
        assertThat(call("GET", doc).status()).isEqualTo(200);
        RedisAccess redis = new RedisAccess(TestRedis.uri(), Duration.ofSeconds(2));
        try {
            redis.start(c -> { });
            RedisEntityStore other = new RedisEntityStore(redis, DependencyRegistry.ofDefaults().dependency("redis"),
                    KEY_PREFIX + "need:", 100, Duration.ofSeconds(30));
            reactor.core.publisher.Mono.defer(() -> other.put("initech", new EntityEntry(EntityKey.resource(doc),
                    List.of(), Map.of("level", 9)))).retryWhen(reactor.util.retry.Retry.fixedDelay(100,
                    Duration.ofMillis(100))).block(Duration.ofSeconds(15)); // until its connection is up
            // Well inside the 30 s for which the gateway keeps the absent entry it just read: the announcement did it.
            TlsClient.eventually(() -> call("GET", doc), 403);
            long start = System.nanoTime();
            other.remove("initech", EntityKey.resource(doc)).block(Duration.ofSeconds(5));
            TlsClient.eventually(() -> call("GET", doc), 200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            redis.close();
        }
    }

    @Test
    void entriesAreCheckedAgainstTheTenantsSchemaBeforeAnythingIsWritten() {
        TlsClient.Response misspelt = adminCall("PUT", "/entities/initech/principals",
                principal("[]", "{\"clearence\":2}"));
        assertThat(misspelt.status()).isEqualTo(400);
        assertThat(misspelt.body()).contains("did you mean 'clearance'");
        assertThat(adminCall("PUT", "/entities/initech/principals", principal("[\"admins\"]", "{}")).body())
                .contains("'admins' is not declared");
        assertThat(adminCall("PUT", "/entities/initech/principals", principal("[]", "{\"clearance\":\"top\"}"))
                .body()).contains("must be a int");
        assertThat(adminCall("PUT", "/entities/initech/resources", "{\"id\":\"/x\",\"groups\":[]}").body())
                .contains("unknown member 'groups'");
        assertThat(adminCall("PUT", "/entities/initech/resources", "{\"id\":\"relative\"}").status()).isEqualTo(400);
        assertThat(adminCall("PUT", "/entities/initech/robots", "{\"id\":\"/x\"}").body())
                .contains("not an entry kind");
        assertThat(adminCall("PUT", "/entities/acme/principals", principal("[]", "{}")).body())
                .as("acme's directory is its entities.yaml").contains("directory: store");
        assertThat(adminCall("GET", "/entities/initech/principals?id=a&id=b", null).status()).isEqualTo(400);

        // An import is checked whole: one bad entry and nothing is written.
        TlsClient.Response bad = adminCall("POST", "/entities/initech/import", """
                {"resources": [{"id": "/api/initech/docs/i1", "attributes": {"level": 1}},
                               {"id": "/api/initech/docs/i2", "attributes": {"levle": 1}}]}
                """);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(adminCall("GET", "/entities/initech/resources?id=/api/initech/docs/i1", null).status())
                .isEqualTo(404);
        TlsClient.Response good = adminCall("POST", "/entities/initech/import", """
                {"resources": [{"id": "/api/initech/docs/i1", "attributes": {"level": 1}},
                               {"id": "/api/initech/docs/i2", "attributes": {"level": 2}}]}
                """);
        assertThat(good.body()).isEqualTo("{\"imported\":2}");
        assertThat(adminCall("GET", "/entities/initech/resources?id=/api/initech/docs/i2", null).body())
                .contains("\"level\":2");
    }

    @Test
    void entityCallsAreAuthorizedByTheAdminPolicy() {
        TlsClient.Response r = new TlsClient(admin.port(), fixture.viewer).send("PUT",
                "/entities/initech/principals", Map.of("content-type", JSON), principal("[\"writers\"]", "{}"));
        assertThat(r.status()).isEqualTo(403);
    }

    /** The AuthZEN PDP looks the entries up too: the same answer as the gateway's own enforcement. */
    @Test
    void theAuthZenPdpDecidesWithTheStoredEntries() {
        String request = """
                {"subject": {"type": "workload", "id": "%s"}, "action": {"name": "GET"},
                 "resource": {"type": "http", "id": "/api/initech/docs/c3"}}
                """.formatted(GatewayFixture.INITECH_API);
        assertThat(adminCall("POST", "/access/v1/evaluation", request).body()).contains("\"decision\":true");
        assertThat(adminCall("PUT", "/entities/initech/resources",
                "{\"id\":\"/api/initech/docs/c3\",\"attributes\":{\"level\":5}}").status()).isEqualTo(200);
        assertThat(adminCall("POST", "/access/v1/evaluation", request).body()).contains("\"decision\":false")
                .contains("above-clearance");
        assertThat(adminCall("POST", "/access/v1/evaluations", "{\"evaluations\":[" + request + ","
                + request.replace("/docs/c3", "/docs/c4") + "]}").body())
                .isEqualTo("{\"evaluations\":[{\"decision\":false},{\"decision\":true}]}");
    }
}
