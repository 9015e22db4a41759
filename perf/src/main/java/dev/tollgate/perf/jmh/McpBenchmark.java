package dev.tollgate.perf.jmh;

import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.mcp.McpCall;
import dev.tollgate.gateway.mcp.McpMessages;
import dev.tollgate.gateway.mcp.McpRoute;
import dev.tollgate.gateway.txn.TransactionTokenKeys;
import dev.tollgate.gateway.txn.TransactionTokens;
import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 17, item 6: what an MCP route adds per call — reading a 1 KiB {@code tools/call} (bounded JSON-RPC parse,
 * the call's resource and arguments) and deciding it (goal: ≤ 20 µs), and minting a transaction token (ES256 on
 * the JDK provider, one per forwarded request). TLS, HTTP and the decision-log writer are not in it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class McpBenchmark {

    private static final Principal CHECKOUT = new Principal("spiffe://acme.bench/ns/shop/sa/checkout", "acme.bench",
            "acme", null, Map.of(), Set.of(CredentialKind.MTLS, CredentialKind.JWT));
    private static final Principal DELEGATED = new Principal("spiffe://acme.bench/ns/shop/sa/checkout",
            "acme.bench", "acme", "https://idp.bench", Map.of(), Set.of(CredentialKind.MTLS, CredentialKind.JWT),
            List.of("spiffe://acme.bench/agents/planner"));

    /** The provider that signs transaction tokens, as {@code tollgate.crypto.providers} names it. */
    @org.openjdk.jmh.annotations.Param({"auto", "jdk"})
    public String signer;

    private McpRoute route;
    private McpMessages messages;
    private PolicyEngine engine;
    private byte[] oneKib;
    private TransactionTokens tokens;
    private TransactionTokens.Transaction transaction;

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("tollgate-mcp-bench");
        engine = BenchPolicies.mcp(dir);
        route = new McpRoute("weather", null, List.of(), List.of(), 1 << 20, 32, 32, 1 << 22);
        messages = new McpMessages(route);
        StringBuilder notes = new StringBuilder();
        while (notes.length() < 850) {
            notes.append("rain expected in the afternoon, light wind from the west; ");
        }
        oneKib = ("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"get_forecast\","
                + "\"arguments\":{\"city\":\"Lyon\",\"days\":3,\"units\":\"metric\",\"include\":[\"wind\",\"rain\"],"
                + "\"notes\":\"" + notes.substring(0, 850) + "\"}}}").getBytes(StandardCharsets.UTF_8);
        tokens = new TransactionTokens(new TransactionTokenKeys(Clock.systemUTC(), Duration.ofHours(24),
                signer == null ? null : SignatureProviders.select(List.of(signer)).forJca("SHA256withECDSA")),
                "tollgate", "acme.bench", Duration.ofSeconds(60), Clock.systemUTC());
        transaction = new TransactionTokens.Transaction("0123456789abcdef0123456789abcdef", "acme", "mcp-weather",
                "POST", "/mcp/weather", "tools/call", "get_forecast");
    }

    /** The body's size, for the report. */
    public int bodyBytes() {
        return oneKib.length;
    }

    @Benchmark
    public McpMessages.Parsed parseOneKibCall() {
        return messages.parse(oneKib);
    }

    @Benchmark
    public boolean parseAndDecideOneKibCall() {
        McpCall call = messages.parse(oneKib).calls().get(0);
        Decision d = engine.authorize(new AccessRequest("acme", CHECKOUT, call.action(), call.resource(route),
                Map.of(), Map.of(), Map.of("route", "mcp-weather", "mcp", call.context(false)), Instant.now()));
        return d.allowed();
    }

    @Benchmark
    public String mintTransactionToken() {
        return tokens.mint(CHECKOUT, transaction);
    }

    @Benchmark
    public String mintDelegatedTransactionToken() {
        return tokens.mint(DELEGATED, transaction);
    }
}
