package dev.tollgate.gateway.demo;

import dev.tollgate.gateway.TollgateApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.nimbusds.jose.jwk.ECKey;
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
        if (args.length > 0 && args[0].equals("proof")) {
            // demo proof <METHOD> <URL>: a fresh single-use DPoP proof for the demo's DPoP-bound token.
            System.out.println(DemoTokens.proof(dpopKey(), args.length > 1 ? args[1] : "GET",
                    args.length > 2 ? args[2] : "https://localhost:8443/api/acme/payments/7", readDPoPToken()));
            return;
        }
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
        ECKey dpopKey = dpopKey();
        String bound = DemoTokens.mintDPoPBound(pki.signingKey(), DemoPki.WORKLOADS.get(0).spiffeId(),
                Duration.ofMinutes(55), dpopKey);
        write(Path.of(".demo", "tokens", "acme-checkout-dpop.jwt"), bound);
        String payments = base + "/api/acme/payments/7";
        out.append("\n6) DPoP (RFC 9449): a token bound to the workload's DPoP key, and a proof signed with that key for"
                + " this one request (valid 60 s, usable once). Run it twice: 200, then 401 dpop.replay.\n"
                + "   A fresh proof: java -jar gateway/target/tollgate-gateway-exec.jar demo proof GET " + payments
                + "\n");
        out.append("curl -i --cacert .demo/pki/server-ca.pem --cert .demo/pki/acme-checkout.pem --key .demo/pki/"
                + "acme-checkout-key.pem -H 'Authorization: DPoP " + bound + "' -H 'DPoP: "
                + DemoTokens.proof(dpopKey, "GET", payments, bound) + "' " + payments + "\n");
        String mcpToken = DemoTokens.mint(pki.signingKey(), DemoPki.WORKLOADS.get(0).spiffeId(), Duration.ofMinutes(55),
                java.util.List.of(DemoTokens.AUDIENCE, "https://localhost:8443/mcp/weather"));
        write(Path.of(".demo", "tokens", "acme-checkout-mcp.jwt"), mcpToken);
        String mcp = base + "/mcp/weather";
        String mcpCurl = "curl -s --cacert .demo/pki/server-ca.pem --cert .demo/pki/acme-checkout.pem --key .demo/pki/"
                + "acme-checkout-key.pem -H 'Authorization: Bearer " + mcpToken + "' -H 'content-type: application/json'"
                + " -H 'accept: application/json, text/event-stream' " + mcp + " -d ";
        out.append("\n7) MCP (gateway/MCP.md): an MCP server behind Tollgate, decided per tool. The token names the server"
                + " as its audience (RFC 8707).\n   tools/list shows only what checkout may call (1 of 3 tools):\n");
        out.append(mcpCurl).append("'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}'\n");
        out.append("   ALLOWED: get_forecast (the server sees a gateway-signed Txn-Token, never the client's token)\n");
        out.append(mcpCurl).append("'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"get_forecast\",\"arguments\":{\"city\":\"Lyon\"}}}'\n");
        out.append("   DENIED: delete_city -> a JSON-RPC error (-32003) with the decision id; the server never sees it\n");
        out.append(mcpCurl).append("'{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"delete_city\",\"arguments\":{\"city\":\"Lyon\"}}}'\n");
        out.append("   Where an MCP client finds the authorization server (RFC 9728):\n");
        out.append("curl -s --cacert .demo/pki/server-ca.pem --cert .demo/pki/acme-checkout.pem --key .demo/pki/"
                + "acme-checkout-key.pem " + base + "/.well-known/oauth-protected-resource/mcp/weather\n");
        out.append("\nTokens (valid 55 minutes; restart the demo for fresh ones) are also in .demo/tokens/.\n");
        out.append("Decision log (one JSON line per request): ").append(decisionLog).append("   e.g. tail -f ")
                .append(decisionLog).append("\n");
        return out.toString();
    }

    /** The demo workload's DPoP key, made once into {@code .demo/dpop-key.json}. */
    static ECKey dpopKey() {
        Path file = Path.of(".demo", "dpop-key.json");
        try {
            if (Files.exists(file)) {
                return ECKey.parse(Files.readString(file));
            }
            ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate();
            write(file, key.toJSONString());
            return key;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read or make the demo DPoP key " + file, e);
        }
    }

    private static String readDPoPToken() {
        try {
            return Files.readString(Path.of(".demo", "tokens", "acme-checkout-dpop.jwt")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("run the demo first: it mints the DPoP-bound token", e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String token(DemoPki pki, DemoPki.Workload w) {
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
