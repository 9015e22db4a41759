package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.demo.Certificates;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.McpServers;
import dev.tollgate.gateway.testsupport.TlsClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * MCP behind Tollgate, with the official MCP Java SDK on both sides (McpServers): per-tool decisions, filtered tool
 * lists over SSE and JSON, MCP's authorization profile at the edge (RFC 9728 metadata, RFC 8707 resource binding, no
 * token passthrough), delegated calls (RFC 8693 act) and transaction tokens the upstream verifies.
 */
class McpEndToEndTest extends GatewayTestBase {

    private static final String WEATHER = "/mcp/weather";
    private static final String WEATHER_JSON = "/mcp/weather-json";

    @Autowired
    AdminServer admin;

    private String token(String subject) {
        return fixture.token(subject).audience(GatewayFixture.WEATHER_RESOURCE).sign();
    }

    private McpSyncClient client(String path, Certificates.Issued certificate, String token) throws Exception {
        SSLContext ssl = sslContext(certificate);
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
                .builder("https://localhost:" + port).endpoint(path)
                .customizeClient(b -> b.sslContext(ssl).version(HttpClient.Version.HTTP_1_1))
                .openConnectionOnStartup(false);
        if (token != null) {
            transport.httpRequestCustomizer((request, method, uri, body, context) ->
                    request.header("Authorization", "Bearer " + token));
        }
        McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(10)).build();
        client.initialize();
        return client;
    }

    private static SSLContext sslContext(Certificates.Issued certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("svid", certificate.key(), new char[0],
                new java.security.cert.Certificate[] {certificate.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server-ca", fixture.serverCa.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    private static List<String> names(McpSchema.ListToolsResult tools) {
        return tools.tools().stream().map(McpSchema.Tool::name).sorted().toList();
    }

    @Test
    void anSdkClientSeesOnlyTheToolsItMayUseAndADeniedCallFailsAsAJsonRpcError() throws Exception {
        try (McpSyncClient client = client(WEATHER, fixture.analyst, token(GatewayFixture.ANALYST))) {
            assertThat(names(client.listTools())).as("SSE answer filtered").containsExactly("get_forecast");
            McpSchema.CallToolResult ok = client.callTool(new McpSchema.CallToolRequest("get_forecast",
                    Map.of("city", "Lyon")));
            assertThat(((McpSchema.TextContent) ok.content().get(0)).text()).isEqualTo("get_forecast ran for Lyon");
            int before = fixture.mcp.received.size();
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("delete_city",
                    Map.of("city", "Lyon"))))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code())
                            .isEqualTo(-32003));
            assertThat(fixture.mcp.received.size()).as("a denied call never reaches the server").isEqualTo(before);
            // The session goes on after a denial.
            assertThat(client.callTool(new McpSchema.CallToolRequest("get_forecast", Map.of("city", "Nice")))
                    .isError()).isNotEqualTo(Boolean.TRUE);
        }
        DecisionEvent denied = decisions.awaitMatching(e -> "mcp-weather".equals(e.route())
                && "delete_city".equals(e.mcpName()));
        assertThat(denied.mcpMethod()).isEqualTo("tools/call");
        assertThat(denied.effect()).isEqualTo("DENY");
        assertThat(denied.status()).isEqualTo(200);
        DecisionEvent allowed = decisions.awaitMatching(e -> "mcp-weather".equals(e.route())
                && "get_forecast".equals(e.mcpName()) && e.actors().isEmpty());
        assertThat(allowed.effect()).isEqualTo("ALLOW");
        assertThat(allowed.decidingRules()).containsExactly("anyone-forecasts");
    }

    /** The SDK's session server answers requests as SSE streams: the list is filtered inside the stream. */
    @Test
    void theSessionServersStreamedListIsFiltered() {
        TlsClient tls = client(fixture.analyst);
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Authorization", "Bearer "
                + token(GatewayFixture.ANALYST), "content-type", "application/json",
                "accept", "application/json, text/event-stream"));
        TlsClient.Response init = tls.send("POST", WEATHER, headers, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        headers.put("Mcp-Session-Id", init.header("Mcp-Session-Id"));
        headers.put("MCP-Protocol-Version", "2025-06-18");
        tls.send("POST", WEATHER, headers, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        TlsClient.Response list = tls.send("POST", WEATHER, headers,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(list.header("content-type")).startsWith("text/event-stream");
        assertThat(list.body()).contains("data:").contains("get_forecast").doesNotContain("delete_city")
                .doesNotContain("admin_reset");
    }

    @Test
    void jsonAnswersAreFilteredAndArgumentsReachConditions() throws Exception {
        try (McpSyncClient checkout = client(WEATHER_JSON, fixture.checkout, null);
             McpSyncClient reporter = client(WEATHER_JSON, fixture.analyst, null)) {
            assertThat(names(checkout.listTools())).as("a permit that reads arguments lists its tool")
                    .containsExactly("delete_city", "get_forecast");
            assertThat(names(reporter.listTools())).containsExactly("get_forecast");
            assertThat(checkout.callTool(new McpSchema.CallToolRequest("delete_city", Map.of("city", "Lyon")))
                    .content()).isNotEmpty();
            assertThatThrownBy(() -> checkout.callTool(new McpSchema.CallToolRequest("delete_city",
                    Map.of("city", "Paris")))).isInstanceOf(McpError.class);
            assertThatThrownBy(() -> checkout.callTool(new McpSchema.CallToolRequest("admin_reset", Map.of())))
                    .isInstanceOf(McpError.class);
        }
    }

    @Test
    void aTokenForAnotherResourceIsRefusedAndTheChallengePointsAtTheMetadata() {
        TlsClient tls = client(fixture.analyst);
        String other = fixture.token(GatewayFixture.ANALYST).sign(); // aud: tollgate, not this MCP server
        TlsClient.Response refused = tls.send("POST", WEATHER, Map.of("Authorization", "Bearer " + other,
                "content-type", "application/json", "accept", "application/json, text/event-stream"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).contains("error=\"invalid_token\"")
                .contains("resource_metadata=\"https://api.tollgate.test/.well-known/oauth-protected-resource"
                        + "/mcp/weather\"");
        TlsClient.Response none = tls.send("POST", WEATHER, Map.of("content-type", "application/json"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).doesNotContain("error=")
                .contains("resource_metadata=\"https://api.tollgate.test/.well-known/oauth-protected-resource"
                        + "/mcp/weather\"");
        TlsClient.Response metadata = tls.get("/.well-known/oauth-protected-resource/mcp/weather", Map.of());
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.body()).contains("\"resource\":\"" + GatewayFixture.WEATHER_RESOURCE + "\"")
                .contains("\"authorization_servers\":[\"" + GatewayFixture.ISSUER + "\"]")
                .contains("\"bearer_methods_supported\":[\"header\"]");
        assertThat(tls.get("/.well-known/oauth-protected-resource/nothing", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void theUpstreamGetsAVerifiableTransactionTokenAndNeverTheClientsToken() throws Exception {
        String token = token(GatewayFixture.ANALYST);
        try (McpSyncClient client = client(WEATHER, fixture.analyst, token)) {
            fixture.mcp.received.clear();
            client.callTool(new McpSchema.CallToolRequest("get_forecast", Map.of("city", "Lyon")));
        }
        McpServers.Received call = fixture.mcp.received.stream().filter(r -> r.headers().containsKey("Txn-Token"))
                .findFirst().orElseThrow();
        assertThat(fixture.mcp.received).allSatisfy(r -> {
            assertThat(r.headers()).doesNotContainKey("Authorization");
            assertThat(String.valueOf(r.headers().get("Txn-Token"))).doesNotContain(token);
        });
        String jwks = new TlsClient(admin.port(), fixture.analyst).get("/txn-token/jwks", Map.of()).body();
        SignedJWT txn = SignedJWT.parse(call.headers().get("Txn-Token"));
        ECKey key = JWKSet.parse(jwks).getKeyByKeyId(txn.getHeader().getKeyID()).toECKey();
        assertThat(key.isPrivate()).isFalse();
        assertThat(txn.verify(new ECDSAVerifier(key))).isTrue();
        assertThat(txn.getHeader().getType()).isEqualTo(new JOSEObjectType("txntoken+jwt"));
        var claims = txn.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(GatewayFixture.ANALYST);
        assertThat(claims.getAudience()).containsExactly("tollgate");
        assertThat(claims.getStringClaim("txn")).isEqualTo(call.headers().get("X-Tollgate-Decision-Id"));
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(60_000);
        assertThat(claims.getJSONObjectClaim("tctx")).containsEntry("tenant", "acme")
                .containsEntry("route", "mcp-weather");
        assertThat(claims.getClaim("act")).as("a direct call has no actor").isNull();
        assertThat(fixture.mcp.received).anySatisfy(r -> assertThat(r.headers().get("Txn-Token")).satisfies(t -> {
            var c = SignedJWT.parse(t).getJWTClaimsSet().getJSONObjectClaim("tctx");
            assertThat(c).containsEntry("mcp_method", "tools/call").containsEntry("mcp_name", "get_forecast");
        }));
    }

    @Test
    void anAgentActingForAWorkloadIsDecidedAsBothAndTheChainTravels() throws Exception {
        String delegated = fixture.token(GatewayFixture.CHECKOUT).audience(GatewayFixture.WEATHER_RESOURCE)
                .claim("act", Map.of("sub", GatewayFixture.PLANNER)).sign();
        try (McpSyncClient planner = client(WEATHER, fixture.planner, delegated)) {
            fixture.mcp.received.clear();
            assertThat(names(planner.listTools())).containsExactly("get_forecast");
            planner.callTool(new McpSchema.CallToolRequest("get_forecast", Map.of("city", "Lyon")));
            assertThatThrownBy(() -> planner.callTool(new McpSchema.CallToolRequest("delete_city", Map.of())))
                    .isInstanceOf(McpError.class);
        }
        McpServers.Received call = fixture.mcp.received.stream().filter(r -> r.headers().containsKey("Txn-Token"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(call.headers().get("X-Tollgate-Principal")).isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(call.headers().get("X-Tollgate-Actors")).isEqualTo(GatewayFixture.PLANNER);
        var claims = SignedJWT.parse(call.headers().get("Txn-Token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("sub", GatewayFixture.PLANNER);
        DecisionEvent denied = decisions.awaitMatching(e -> !e.actors().isEmpty()
                && "delete_city".equals(e.mcpName()));
        assertThat(denied.actors()).containsExactly(GatewayFixture.PLANNER);
        assertThat(denied.principal()).isEqualTo(GatewayFixture.CHECKOUT);
        assertThat(denied.effect()).isEqualTo("DENY");
        // The delegated token is presented by its actor: the subject's own certificate cannot carry it.
        assertThat(client(fixture.checkout).send("POST", WEATHER, Map.of("Authorization", "Bearer " + delegated,
                "content-type", "application/json"), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status())
                .isEqualTo(401);
    }

    @Test
    void aBatchIsAllOrNothingAndEachMessageIsLogged() {
        TlsClient tls = client(fixture.analyst);
        int before = fixture.mcp.received.size();
        TlsClient.Response r = tls.send("POST", WEATHER_JSON, Map.of("content-type", "application/json"), """
                [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_forecast"}},
                 {"jsonrpc":"2.0","id":"two","method":"tools/call","params":{"name":"delete_city"}},
                 {"jsonrpc":"2.0","method":"notifications/initialized"}]""");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("[").contains("\"id\":1").contains("\"id\":\"two\"")
                .contains("not run: another message of this batch was denied")
                .contains("the tenant's policy does not allow this call").contains("-32003");
        assertThat(fixture.mcp.received.size()).isEqualTo(before);
        String id = r.body().replaceAll(".*\"decision_id\":\"([^\"]+)\".*", "$1");
        assertThat(List.of(decisions.await(id + ".1"), decisions.await(id + ".2"), decisions.await(id + ".3")))
                .extracting(DecisionEvent::reason)
                .containsExactly("mcp.batch-denied", "policy.denied", "mcp.batch-denied");
        TlsClient.Response notification = tls.send("POST", WEATHER_JSON, Map.of("content-type", "application/json"),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}");
        assertThat(notification.status()).as("a refused notification: an HTTP error").isEqualTo(403);
        assertThat(notification.body()).contains("\"id\":null");
    }

    /** Hostile and malformed bodies, by class: each is a 400 with a JSON-RPC error, and none reaches the server. */
    @Test
    void malformedMessagesAreRefusedNeverForwardedNeverPermitted() {
        TlsClient tls = client(fixture.analyst);
        String token = token(GatewayFixture.ANALYST);
        List<String> bodies = new ArrayList<>(List.of("", "42", "null", "\"x\"", "true", "[]", "[42]", "[null]",
                "{", "{}", "[{}]",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
                "{\"id\":1,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[\"get_forecast\"]}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":42}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                        + "\"arguments\":[1]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"completion/complete\",\"params\":{\"ref\":{}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
                "{\"jsonrpc\":\"2.0\",\"result\":{}}",
                // Duplicate members: which one would the server read?
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                        + "\"name\":\"delete_city\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"method\":\"tools/call\"}",
                // Look-alike members a case-insensitive server would read instead (review): Method, Name, Kelvin-K, long s.
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"Method\":\"tools/call\","
                        + "\"params\":{\"name\":\"delete_city\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                        + "\"Name\":\"delete_city\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                        + "\"nAME\":\"delete_city\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"paramſ\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                        + "\"arguments\":{\"city\":\"Lyon\",\"City\":\"Paris\"}}}",
                // Ids: duplicates in a batch, beyond what a JavaScript server keeps exact.
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},"
                        + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
                "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"tools/list\"}"));
        // Nesting beyond the route's depth, in arguments and in the envelope.
        bodies.add("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                + "\"arguments\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}}}");
        // Larger than the route's max-body (64KB), and a batch longer than max-batch.
        bodies.add("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                + "\"arguments\":{\"a\":\"" + "x".repeat(70_000) + "\"}}}");
        bodies.add("[" + String.join(",", java.util.Collections.nCopies(33,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")) + "]");
        int before = fixture.mcp.received.size();
        for (String body : bodies) {
            TlsClient.Response r = tls.send("POST", WEATHER, Map.of("Authorization", "Bearer " + token,
                    "content-type", "application/json"), body);
            assertThat(r.status()).as(body.length() > 200 ? body.substring(0, 200) : body).isEqualTo(400);
            assertThat(r.body()).contains("\"jsonrpc\":\"2.0\"").contains("\"error\"");
            assertThat(r.header("content-type")).startsWith("application/json");
        }
        assertThat(fixture.mcp.received.size()).isEqualTo(before);
    }

    /** The transport is GET, POST and DELETE: any other method is refused, never decided as a session action. */
    @Test
    void otherMethodsAreRefused() {
        TlsClient tls = client(fixture.analyst);
        for (String method : List.of("PUT", "PATCH", "OPTIONS")) {
            TlsClient.Response r = tls.send(method, WEATHER, Map.of("Authorization", "Bearer "
                    + token(GatewayFixture.ANALYST), "content-type", "application/json"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, POST, DELETE");
        }
    }

    /** Names that would climb, split or escape a path segment are one segment: a forbid on the tool still holds. */
    @Test
    void toolNamesCannotEscapeTheirResourceSegment() {
        TlsClient tls = client(fixture.checkout);
        for (String name : List.of("admin_reset", "../tools/get_forecast", "get_forecast/../admin_reset", "..",
                ".", "get_forecast/", "get_forecast%2F..", "admin_reset\u0000", "get_forecast?x")) {
            TlsClient.Response r = tls.send("POST", WEATHER_JSON, Map.of("content-type", "application/json"),
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
                            + tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(name)
                            + "}}");
            assertThat(r.status()).as(name).isEqualTo(200);
            assertThat(r.body()).as(name).contains("-32003");
        }
    }

    // --- delegation on plain HTTP routes ---

    private TlsClient.Response orders(Certificates.Issued certificate, String token) {
        return client(certificate).get("/api/acme/orders/7", Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void delegatedCallsNeedARuleThatNamesTheActor() {
        String forCheckout = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", GatewayFixture.PLANNER)).sign();
        assertThat(orders(fixture.planner, forCheckout).status()).isEqualTo(200);
        String byReporter = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", GatewayFixture.ANALYST)).sign();
        assertThat(orders(fixture.analyst, byReporter).status()).as("no rule lets the reporter act for checkout")
                .isEqualTo(403);
        assertThat(orders(fixture.planner, fixture.token(GatewayFixture.PLANNER).sign()).status())
                .as("the planner on its own has no grant").isEqualTo(403);
        assertThat(orders(fixture.checkout, forCheckout).status()).as("presented by someone other than its actor")
                .isEqualTo(401);
        // A chain: planner acts now, for a broker that acted for checkout. The current actor is what rules match.
        String chain = fixture.token(GatewayFixture.CHECKOUT).claim("act", Map.of("sub", GatewayFixture.PLANNER,
                "act", Map.of("sub", "spiffe://acme.test/agents/broker"))).sign();
        assertThat(orders(fixture.planner, chain).status()).isEqualTo(200);
    }

    @Test
    void malformedOrOverlongChainsAndMayActAreEnforced() {
        Map<String, Object> deep = Map.of("sub", GatewayFixture.PLANNER);
        for (int i = 0; i < 4; i++) {
            deep = Map.of("sub", "spiffe://acme.test/agents/a" + i, "act", deep);
        }
        Map<String, Object> tooDeep = new java.util.HashMap<>(Map.of("sub", GatewayFixture.PLANNER, "act", deep));
        List<Object> malformed = List.of("planner", List.of(Map.of("sub", GatewayFixture.PLANNER)), Map.of(),
                Map.of("sub", 42), Map.of("sub", ""), Map.of("sub", "spiffe://acme.test"),
                Map.of("sub", "SPIFFE://acme.test/agents/planner"),
                Map.of("sub", GatewayFixture.PLANNER, "act", "x"), tooDeep);
        for (Object act : malformed) {
            TlsClient.Response r = orders(fixture.planner, fixture.token(GatewayFixture.CHECKOUT).claim("act", act)
                    .sign());
            assertThat(r.status()).as(String.valueOf(act)).isEqualTo(401);
            assertThat(r.body()).contains("token.act");
        }
        String mayActOther = fixture.token(GatewayFixture.CHECKOUT).claim("act", Map.of("sub", GatewayFixture.PLANNER))
                .claim("may_act", Map.of("sub", "spiffe://acme.test/agents/other")).sign();
        assertThat(orders(fixture.planner, mayActOther).body()).contains("token.act.not-allowed");
        String mayActPlanner = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", GatewayFixture.PLANNER))
                .claim("may_act", Map.of("sub", GatewayFixture.PLANNER)).sign();
        assertThat(orders(fixture.planner, mayActPlanner).status()).isEqualTo(200);
    }

    @Test
    void aDelegatedTokenNeedsItsActorsCredentialAndAnActorOfTheIssuersTrustDomains() {
        String delegated = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", GatewayFixture.PLANNER)).sign();
        // (Without a certificate or a DPoP proof: WantClientAuthTest, where a handshake needs no certificate.)
        assertThat(orders(fixture.planner, delegated).status()).isEqualTo(200);
        String foreign = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", "spiffe://hooli.test/agents/x")).sign();
        assertThat(orders(fixture.planner, foreign).body()).contains("token.act.trust-domain");
        String comma = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", "agent,spiffe://acme.test/agents/planner")).sign();
        assertThat(orders(fixture.planner, comma).body()).contains("token.act.malformed");
    }

    @Test
    void revokingTheActorStopsItActingForAnyone() {
        String forCheckout = fixture.token(GatewayFixture.CHECKOUT)
                .claim("act", Map.of("sub", GatewayFixture.PLANNER)).sign();
        assertThat(orders(fixture.planner, forCheckout).status()).isEqualTo(200);
        var operator = new dev.tollgate.gateway.testsupport.AdminClient(admin.port(), fixture.operator);
        assertThat(operator.revoke("principal", GatewayFixture.PLANNER).status()).isBetween(200, 204);
        try {
            TlsClient.Response r = TlsClient.eventually(() -> orders(fixture.planner, forCheckout), 403);
            assertThat(r.body()).contains("revoked.principal");
            assertThat(orders(fixture.checkout, fixture.token(GatewayFixture.CHECKOUT).sign()).status())
                    .as("the subject itself is not revoked").isEqualTo(200);
        } finally {
            operator.delete("/revocations/principal/" + java.net.URLEncoder.encode(GatewayFixture.PLANNER,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        TlsClient.eventually(() -> orders(fixture.planner, forCheckout), 200);
    }
}
