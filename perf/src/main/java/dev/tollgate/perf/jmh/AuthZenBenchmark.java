package dev.tollgate.perf.jmh;

import dev.tollgate.gateway.admin.AuthZenEvaluations;
import dev.tollgate.gateway.admin.PdpBindings;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.policy.PolicyEngine;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
 * The AuthZEN endpoints' own work (issue 13, item 6): parsing and checking the request, the tenant binding, the
 * policy decision and the response, for one evaluation and for a 100-item batch. TLS, HTTP and the decision log's
 * writer are not in it (the evidence sink here does nothing).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthZenBenchmark {

    static final String PEP = "spiffe://ops.bench/ns/ops/sa/pep";

    private AuthZenEvaluations authzen;
    private String single;
    private String batch;

    @Setup
    public void setUp() throws Exception {
        PolicyEngine engine = BenchPolicies.acme(Files.createTempDirectory("tollgate-authzen-bench"));
        TrustDomains domains = new TrustDomains(Map.of("acme.bench",
                new TrustDomains.TrustDomain("acme.bench", "acme", List.of())));
        authzen = new AuthZenEvaluations(() -> domains, engine::authorize,
                PdpBindings.of(List.of(new PdpBindings.Pep(PEP, List.of("acme"))), Map.of(), null),
                Clock.systemUTC(), (pep, access, decision, reason, error) -> { });
        String subject = "{\"type\": \"workload\", \"id\": \"spiffe://acme.bench/ns/shop/sa/checkout\"}";
        single = "{\"subject\": " + subject + ", \"action\": {\"name\": \"GET\"},"
                + " \"resource\": {\"type\": \"http\", \"id\": \"/api/acme/orders/42\"}}";
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            items.append(i == 0 ? "" : ",").append("{\"action\": {\"name\": \"").append(i % 10 == 0 ? "DELETE" : "GET")
                    .append("\"}, \"resource\": {\"type\": \"http\", \"id\": \"/api/acme/orders/").append(i)
                    .append("\"}}");
        }
        batch = "{\"subject\": " + subject + ", \"evaluations\": [" + items + "]}";
    }

    @Benchmark
    public String oneEvaluation() {
        // A benchmark thread, not an event loop; with the tenant's entity data in files the Mono is already complete.
        return authzen.evaluation(single, PEP).block();
    }

    @Benchmark
    public String batchOf100() {
        return authzen.evaluations(batch, PEP).block();
    }
}
