package dev.tollgate.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tollgate's load scenarios (Gatling Java DSL). One simulation, the scenario chosen by a property, so each runs on its
 * own with its target, rate and duration:
 * <pre>
 * mvn -pl perf -am -DskipTests test-compile gatling:test -Dscenario=mtls-jwt -Dtarget=https://localhost:18443 \
 *     -Drate=200 -Dusers=16 -Dduration=30 -Dmaterial=/tmp/tollgate-perf.X
 * </pre>
 * Scenarios: {@code bearer-jwt}, {@code mtls-jwt} (each virtual user keeps its TLS connection and presents the
 * client certificate from {@code material}), {@code mtls-jwt-new-handshake} (a new connection, hence a new TLS
 * handshake, per request), {@code cache-cold} (a new resource every request), {@code cache-hot} (8 distinct keys),
 * and {@code mtls-jwt-dpop} (a DPoP-bound token and a proof signed live for every request, against a gateway started
 * with the material's {@code config-dpop}; proofs address {@code dpop-origin}, default {@code https://api.perf.test}).
 * {@code users} virtual users, each with its own certificate on its own kept TLS connection, paced to a total
 * fixed rate of {@code rate} requests/s. {@code material} is a folder written by
 * {@code dev.tollgate.perf.setup.PerfSetup} (perf/compare.sh prints it).
 * <p>
 * {@code model=fixed-rate} is the fixed-arrival-rate run perf/compare.sh makes beside its closed one (issue 15): a
 * plain-HTTPS {@code target} (TLS client certificate from Gatling's key store settings), the bearer token in
 * {@code token-file}, {@code rate} requests/s over {@code connections} kept connections; {@code warm} seconds first,
 * then {@code duration} seconds measured. The measured p50/p99 are printed as assertions' actual values.
 */
public class TollgateSimulation extends Simulation {

    private static final String SCENARIO = System.getProperty("scenario", "mtls-jwt");
    private static final String TARGET = System.getProperty("target", "https://localhost:8443");
    private static final double RATE = Double.parseDouble(System.getProperty("rate", "100"));
    private static final int USERS = Integer.parseInt(System.getProperty("users", "16"));
    private static final long DURATION = Long.parseLong(System.getProperty("duration", "30"));
    private static final Path MATERIAL = Path.of(System.getProperty("material", "/tmp/tollgate-perf"));
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String DPOP_ORIGIN = System.getProperty("dpop-origin", "https://api.perf.test");

    // Each virtual user is its own workload: its own client certificate (kept on its own TLS connection) and a token
    // whose subject is that certificate's SPIFFE ID.
    private final HttpProtocolBuilder protocol = http.baseUrl(TARGET)
            .header("Authorization", session -> "Bearer " + ClientCertificates.token(MATERIAL, session.userId()))
            .perUserKeyManagerFactory(userId -> ClientCertificates.keyManagerFactory(MATERIAL, userId))
            .disableWarmUp();

    private Steps scenarioFor(String name) {
        return switch (name) {
            case "bearer-jwt", "mtls-jwt", "cache-hot" -> new Steps(exec(http("GET item (hot)")
                    .get(session -> "/api/perf/items/" + (COUNTER.incrementAndGet() % 8)).check(status().is(200))));
            case "mtls-jwt-new-handshake" -> new Steps(exec(http("GET item (new connection)")
                    .get("/api/perf/items/1").header("Connection", "close").check(status().is(200))));
            case "cache-cold" -> new Steps(exec(http("GET item (cold)")
                    .get(session -> "/api/perf/items/c" + COUNTER.incrementAndGet()).check(status().is(200))));
            case "mtls-jwt-dpop" -> new Steps(exec(session -> {
                String path = "/api/perf/items/" + (COUNTER.incrementAndGet() % 8);
                return session.set("path", path).set("proof",
                        ClientCertificates.proof(MATERIAL, session.userId(), "GET", DPOP_ORIGIN + path));
            }).exec(http("GET item (DPoP)").get("#{path}")
                    .header("Authorization", session -> "DPoP " + ClientCertificates.dpopToken(MATERIAL,
                            session.userId()))
                    .header("DPoP", "#{proof}")
                    .check(status().is(200))));
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    /** A scenario's request steps. */
    private record Steps(ChainBuilder chainBuilder) {
    }

    {
        if ("fixed-rate".equals(System.getProperty("model"))) {
            fixedRate();
        } else {
            closed();
        }
    }

    private void closed() {
        // USERS virtual users, each on its own kept-alive TLS connection with its own certificate, each paced so the
        // total arrival rate is RATE requests/s whatever the response times (a fixed rate, as an open model has).
        Duration pace = Duration.ofNanos((long) (1e9 * USERS / RATE));
        ScenarioBuilder paced = scenario(SCENARIO + " @" + RATE + "/s")
                .during(Duration.ofSeconds(DURATION)).on(pace(pace).exec(scenarioFor(SCENARIO).chainBuilder()));
        setUp(paced.injectOpen(atOnceUsers(USERS)))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }

    private void fixedRate() {
        String token;
        try {
            token = Files.readString(Path.of(System.getProperty("token-file"))).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpProtocolBuilder protocol = http.baseUrl(TARGET).header("Authorization", "Bearer " + token).disableWarmUp();
        // CONNECTIONS users, each on its own kept connection, each sending every CONNECTIONS/RATE seconds: a fixed
        // arrival rate as long as answers come faster than that (8 ms at 64 connections and 8,000/s), and a late one
        // is followed at once by the next. Gatling's open injection (a new user per request, connections shared) is
        // not used: it opens a new connection for every request that finds all busy, without bound, and on a 2-core
        // machine each burst became thousands of TLS handshakes and 1 s SYN retries — the tail it measured was the
        // load generator's, not the gateway's.
        int connections = Integer.parseInt(System.getProperty("connections", "64"));
        Duration pace = Duration.ofNanos((long) (1e9 * connections / RATE));
        long warm = Long.parseLong(System.getProperty("warm", "10"));
        ScenarioBuilder warmUp = scenario("warm-up").during(Duration.ofSeconds(warm)).on(pace(pace).exec(
                http("warm-up").get(session -> "/api/perf/items/" + (COUNTER.incrementAndGet() % 8))
                        .check(status().is(200))));
        ScenarioBuilder measured = scenario("fixed rate " + RATE + "/s").during(Duration.ofSeconds(DURATION)).on(
                pace(pace).exec(http("measured").get(session -> "/api/perf/items/" + (COUNTER.incrementAndGet() % 8))
                        .check(status().is(200))));
        // The warm-up's users join over half of it, so Gatling's own JIT warms at a rising rate.
        setUp(warmUp.injectOpen(rampUsers(connections).during(Duration.ofSeconds(Math.max(1, warm / 2))))
                .andThen(measured.injectOpen(atOnceUsers(connections))))
                .protocols(protocol)
                // Always true: they are here for the figures Gatling prints with them (actual : N).
                .assertions(details("measured").responseTime().percentile(50.0).gte(0),
                        details("measured").responseTime().percentile(99.0).gte(0),
                        details("measured").failedRequests().count().gte(0L));
    }
}
