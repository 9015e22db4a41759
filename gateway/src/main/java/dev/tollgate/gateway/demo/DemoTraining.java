package dev.tollgate.gateway.demo;

import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.crypto.PemFiles;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.netty.DisposableServer;

/**
 * {@code java -jar tollgate-gateway-exec.jar train}: runs the demo, sends the demo's requests through it (allowed,
 * denied by policy, denied by tenant, no token, DPoP), checks each answer, and exits — 0 when every answer was the one
 * the README promises. It is also the training run of the class-data archive ({@code archive},
 * {@link dev.tollgate.gateway.startup.ClassDataArchive}), covering start-up and the request path; the classes are the
 * same whatever configuration later runs. Spring's own {@code spring.context.exit=onRefresh} training stops before the
 * listener starts (and on JDK 17 crashed while writing the archive here).
 */
public final class DemoTraining {

    private static final Path DEMO_CONFIG = Path.of("config", "tollgate.yml");
    private static final String ACME = DemoPki.WORKLOADS.get(0).fileStem();
    private static final String GLOBEX = DemoPki.WORKLOADS.get(1).fileStem();

    private DemoTraining() {
    }

    /** One demo request, the workload that sends it, and the status the README promises for it. */
    record Exchange(String name, String workload, int expected, HttpRequest request) {
    }

    public static int run(String[] args, PrintStream out) {
        if (!java.nio.file.Files.isRegularFile(DEMO_CONFIG)) {
            out.println("train: no " + DEMO_CONFIG + " here: run it in a directory holding the demo's config/ (the"
                    + " repository's root, or the image's /opt/tollgate)");
            return 2;
        }
        DemoPki pki = new DemoPki(Path.of(".demo"));
        pki.ensure();
        DisposableServer upstream = DemoUpstream.start(DemoMain.UPSTREAM_PORT);
        ConfigurableApplicationContext context = TollgateApplication.start(args);
        try {
            String base = "https://localhost:" + context.getEnvironment().getProperty("local.server.port", "8443");
            return check(exchanges(pki, base), pki, out);
        } finally {
            context.close();
            upstream.disposeNow();
        }
    }

    static List<Exchange> exchanges(DemoPki pki, String base) {
        String acme = DemoMain.token(pki, DemoPki.WORKLOADS.get(0));
        String globex = DemoTokens.mint(pki.signingKey(), DemoPki.WORKLOADS.get(1).spiffeId(), Duration.ofMinutes(5));
        ECKey dpopKey = DemoMain.dpopKey();
        String bound = DemoTokens.mintDPoPBound(pki.signingKey(), DemoPki.WORKLOADS.get(0).spiffeId(),
                Duration.ofMinutes(5), dpopKey);
        String orders = base + "/api/acme/orders/42";
        String payments = base + "/api/acme/payments/7";
        return List.of(
                new Exchange("allowed", ACME, 200, request(orders).header("Authorization", "Bearer " + acme).build()),
                new Exchange("denied by policy", ACME, 403, request(orders).header("Authorization", "Bearer " + acme)
                        .DELETE().build()),
                new Exchange("denied by tenant", GLOBEX, 403,
                        request(orders).header("Authorization", "Bearer " + globex).build()),
                new Exchange("no token", ACME, 401, request(orders).build()),
                new Exchange("DPoP", ACME, 200, request(payments).header("Authorization", "DPoP " + bound)
                        .header("DPoP", DemoTokens.proof(dpopKey, "GET", payments, bound)).build()));
    }

    private static int check(List<Exchange> exchanges, DemoPki pki, PrintStream out) {
        Map<String, HttpClient> clients = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Exchange e : exchanges) {
            int status;
            try {
                status = clients.computeIfAbsent(e.workload(), w -> client(pki, w))
                        .send(e.request(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception failure) {
                wrong.add(e.name() + ": " + failure);
                continue;
            }
            out.println("train: " + e.name() + " -> " + status);
            if (status != e.expected()) {
                wrong.add(e.name() + ": " + status + ", expected " + e.expected());
            }
        }
        wrong.forEach(w -> out.println("train: WRONG " + w));
        return wrong.isEmpty() ? 0 : 1;
    }

    /** The workload's client: its SVID as the client certificate, the demo server CA as the only trust. */
    private static HttpClient client(DemoPki pki, String workload) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(PemFiles.keys(pki.pki(workload + ".pem"), pki.pki(workload + "-key.pem")).getKeyManagers(),
                    PemFiles.trust(pki.pki("server-ca.pem")).getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the demo client's TLS context: " + e.getMessage(), e);
        }
    }

    private static HttpRequest.Builder request(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
    }
}
