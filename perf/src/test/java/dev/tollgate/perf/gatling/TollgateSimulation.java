package dev.tollgate.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tollgate's load scenarios (Gatling Java DSL). One simulation, the scenario chosen by a property, so each runs on its
 * own with its target, rate and duration:
 * <pre>
 * mvn -pl perf gatling:test -Dgatling.simulationClass=dev.tollgate.perf.gatling.TollgateSimulation \
 *     -Dscenario=mtls-jwt -Dtarget=https://localhost:8443 -Drate=200 -Dduration=30 -Dmaterial=/tmp/tollgate-perf.X
 * </pre>
 * Scenarios: {@code bearer-jwt}, {@code mtls-jwt} (each virtual user keeps its TLS connection and presents the
 * client certificate from {@code material}), {@code mtls-jwt-new-handshake} (a new connection, hence a new TLS
 * handshake, per request), {@code cache-cold} (a new resource every request), {@code cache-hot} (8 distinct keys),
 * and {@code mtls-jwt-dpop}, which is behind a flag: DPoP (issue #5) has not landed, and the scenario says so and
 * stops. Injection is open-model at a fixed rate. {@code material} is a folder written by
 * {@code dev.tollgate.perf.setup.PerfSetup} (perf/compare.sh prints it).
 */
public class TollgateSimulation extends Simulation {

    private static final String SCENARIO = System.getProperty("scenario", "mtls-jwt");
    private static final String TARGET = System.getProperty("target", "https://localhost:8443");
    private static final double RATE = Double.parseDouble(System.getProperty("rate", "100"));
    private static final long DURATION = Long.parseLong(System.getProperty("duration", "30"));
    private static final Path MATERIAL = Path.of(System.getProperty("material", "/tmp/tollgate-perf"));
    private static final AtomicLong COUNTER = new AtomicLong();

    private static String token() {
        try {
            return Files.readString(MATERIAL.resolve("token.jwt")).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no token in " + MATERIAL + " (run PerfSetup first)", e);
        }
    }

    private final HttpProtocolBuilder protocol = http.baseUrl(TARGET)
            .header("Authorization", "Bearer " + token())
            .perUserKeyManagerFactory(userId -> ClientCertificates.keyManagerFactory(MATERIAL))
            .shareConnections()
            .disableWarmUp();

    private ScenarioBuilder scenarioFor(String name) {
        return switch (name) {
            case "bearer-jwt", "mtls-jwt", "cache-hot" -> scenario(name).exec(http("GET item (hot)")
                    .get(session -> "/api/perf/items/" + (COUNTER.incrementAndGet() % 8)).check(status().is(200)));
            case "mtls-jwt-new-handshake" -> scenario(name).exec(http("GET item (new connection)")
                    .get("/api/perf/items/1").header("Connection", "close").check(status().is(200)));
            case "cache-cold" -> scenario(name).exec(http("GET item (cold)")
                    .get(session -> "/api/perf/items/c" + COUNTER.incrementAndGet()).check(status().is(200)));
            case "mtls-jwt-dpop" -> throw new IllegalStateException("scenario mtls-jwt-dpop is behind a flag: DPoP"
                    + " (RFC 9449, issue #5) has not landed in the gateway yet, so there is nothing to sign proofs for");
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    {
        setUp(scenarioFor(SCENARIO).injectOpen(constantUsersPerSec(RATE).during(Duration.ofSeconds(DURATION))))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }
}
