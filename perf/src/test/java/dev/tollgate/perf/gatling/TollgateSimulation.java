package dev.tollgate.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
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
        // USERS virtual users, each on its own kept-alive TLS connection with its own certificate, each paced so the
        // total arrival rate is RATE requests/s whatever the response times (a fixed rate, as an open model has).
        Duration pace = Duration.ofNanos((long) (1e9 * USERS / RATE));
        ScenarioBuilder paced = scenario(SCENARIO + " @" + RATE + "/s")
                .during(Duration.ofSeconds(DURATION)).on(pace(pace).exec(scenarioFor(SCENARIO).chainBuilder()));
        setUp(paced.injectOpen(atOnceUsers(USERS)))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }
}
