package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.demo.Certificates;
import java.util.Map;

/** Calls the admin API over mTLS with an ops workload's certificate. */
public final class AdminClient {

    private final TlsClient client;

    public AdminClient(int port, Certificates.Issued certificate) {
        this.client = new TlsClient(port, certificate);
    }

    public TlsClient.Response revoke(String kind, String value) {
        return client.send("POST", "/revocations", Map.of("content-type", "application/json"),
                "{\"kind\":\"" + kind + "\",\"value\":\"" + value + "\"}");
    }

    public TlsClient.Response post(String path) {
        return client.send("POST", path, Map.of(), "");
    }

    public TlsClient.Response get(String path) {
        return client.get(path, Map.of());
    }

    public TlsClient.Response delete(String path) {
        return client.send("DELETE", path, Map.of(), "");
    }
}
