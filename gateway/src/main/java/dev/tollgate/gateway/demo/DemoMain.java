package dev.tollgate.gateway.demo;

import dev.tollgate.gateway.TollgateApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar tollgate-gateway-exec.jar demo}: generates the demo's certificates and issuer key once (into
 * {@code .demo/}), starts the demo upstream, starts the gateway with {@code config/tollgate.yml}, and prints curl
 * commands that show one request allowed and two denied.
 */
public final class DemoMain {

    static final int UPSTREAM_PORT = 9081;

    private DemoMain() {
    }

    public static void main(String[] args) {
        DemoPki pki = new DemoPki(Path.of(".demo"));
        boolean generated = pki.ensure();
        DemoUpstream.start(UPSTREAM_PORT);
        ConfigurableApplicationContext context = TollgateApplication.start(args);
        String port = context.getEnvironment().getProperty("local.server.port", "8443");
        String decisionLog = context.getEnvironment().getProperty("tollgate.decision-log.path");
        System.out.println(instructions(pki, generated, port, decisionLog));
    }

    static String instructions(DemoPki pki, boolean generated, String port, String decisionLog) {
        StringBuilder out = new StringBuilder();
        out.append("\n=== Tollgate demo ===\n");
        out.append(generated ? "Generated" : "Reusing").append(" demo CA, certificates and issuer key in .demo/\n");
        out.append("Gateway: https://localhost:").append(port).append("   demo upstream: http://127.0.0.1:")
                .append(UPSTREAM_PORT).append("\n");
        String acme = token(pki, DemoPki.WORKLOADS.get(0));
        String globex = token(pki, DemoPki.WORKLOADS.get(1));
        String base = "https://localhost:" + port;
        out.append("\n1) ALLOWED: acme's checkout workload reads an order (policy rule checkout-reads-orders)\n");
        out.append(curl("acme-checkout", acme, "GET", base + "/api/acme/orders/42"));
        out.append("\n2) DENIED by policy: the same workload deletes it (forbid rule no-deletes) -> 403 with a decision id\n");
        out.append(curl("acme-checkout", acme, "DELETE", base + "/api/acme/orders/42"));
        out.append("\n3) DENIED, tenant mismatch: globex's workload calls acme's API -> 403\n");
        out.append(curl("globex-invoicer", globex, "GET", base + "/api/acme/orders/42"));
        out.append("\n4) 401: no token\n");
        out.append("curl -i --cacert .demo/pki/server-ca.pem --cert .demo/pki/acme-checkout.pem "
                + "--key .demo/pki/acme-checkout-key.pem " + base + "/api/acme/orders/42\n");
        out.append("\n5) Revoke the checkout workload through the admin API (mTLS as the ops operator, port 9444),"
                + " then run 1) again -> 403 revoked.principal; lift it with DELETE\n");
        String admin = "curl -i --cacert .demo/pki/server-ca.pem --cert .demo/pki/ops-operator.pem "
                + "--key .demo/pki/ops-operator-key.pem ";
        out.append(admin).append("-X POST -H 'content-type: application/json' -d '{\"kind\":\"principal\","
                + "\"value\":\"spiffe://acme.demo/ns/shop/sa/checkout\"}' https://localhost:9444/revocations\n");
        out.append(admin).append("-X DELETE https://localhost:9444/revocations/principal/"
                + "spiffe%3A%2F%2Facme.demo%2Fns%2Fshop%2Fsa%2Fcheckout\n");
        out.append("\nTokens (valid 55 minutes; restart the demo for fresh ones) are also in .demo/tokens/.\n");
        out.append("Decision log (one JSON line per request): ").append(decisionLog).append("   e.g. tail -f ")
                .append(decisionLog).append("\n");
        return out.toString();
    }

    private static String token(DemoPki pki, DemoPki.Workload w) {
        String token = DemoTokens.mint(pki.signingKey(), w.spiffeId(), Duration.ofMinutes(55));
        try {
            Path dir = Path.of(".demo", "tokens");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(w.fileStem() + ".jwt"), token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return token;
    }

    private static String curl(String workload, String token, String method, String url) {
        return "curl -i --cacert .demo/pki/server-ca.pem --cert .demo/pki/" + workload + ".pem --key .demo/pki/"
                + workload + "-key.pem -X " + method + " -H 'Authorization: Bearer " + token + "' " + url + "\n";
    }
}
