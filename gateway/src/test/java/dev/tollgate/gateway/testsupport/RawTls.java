package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.demo.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTP/1.1 over TLS from raw bytes, for what an HTTP client library would refuse to send or would repair on the way
 * (a request target that is not a URI, raw non-ASCII bytes): the bytes given are the bytes the gateway reads.
 */
public final class RawTls {

    /** One answer: status, headers (names in lower case, the last of a repeated one), body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The {@code decision_id} of a problem+json body (a refused request's), or {@code null} when it has none. */
        public String problemDecisionId() {
            return TlsClient.problemDecisionId(body);
        }
    }

    private RawTls() {
    }

    /** Sends {@code request} on a new connection presenting {@code client}'s certificate; reads one answer. */
    public static Answer exchange(int port, Certificates.Issued client, byte[] request) throws IOException {
        return exchange(port, client, request, 1).get(0);
    }

    /** Sends {@code requests} (pipelined: all written at once) on one new connection; reads {@code count} answers. */
    public static java.util.List<Answer> exchange(int port, Certificates.Issued client, byte[] requests, int count)
            throws IOException {
        try (Connection connection = connect(port, client)) {
            connection.tls.getOutputStream().write(requests);
            connection.tls.getOutputStream().flush();
            java.util.List<Answer> answers = new java.util.ArrayList<>();
            while (answers.size() < count) {
                answers.add(answer(connection.tls.getInputStream()));
            }
            return answers;
        }
    }

    /** A connection kept open for several exchanges, one after the other. */
    public static final class Connection implements AutoCloseable {
        private final Socket raw;
        private final SSLSocket tls;

        private Connection(Socket raw, SSLSocket tls) {
            this.raw = raw;
            this.tls = tls;
        }

        /** Sends one request and reads its answer. */
        public Answer exchange(byte[] request) throws IOException {
            tls.getOutputStream().write(request);
            tls.getOutputStream().flush();
            return answer(tls.getInputStream());
        }

        @Override
        public void close() throws IOException {
            tls.close();
            raw.close();
        }
    }

    /** Opens a connection presenting {@code client}'s certificate. */
    public static Connection connect(int port, Certificates.Issued client) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        raw.setSoTimeout(10_000);
        return new Connection(raw, (SSLSocket) context(client).getSocketFactory().createSocket(raw, "localhost", port,
                true));
    }

    /** A GET of {@code target} exactly as given, one byte per char (ISO-8859-1), with a Host header; closing. */
    public static byte[] get(String target, Map<String, String> headers) {
        return request(target, "localhost", headers, true);
    }

    /** A GET of {@code target} and {@code host} exactly as given, one byte per char (ISO-8859-1). */
    public static byte[] request(String target, String host, Map<String, String> headers, boolean close) {
        StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        return b.append(close ? "Connection: close\r\n" : "").append("\r\n").toString()
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads one HTTP/1.1 answer (Content-Length, chunked, or up to the close). */
    public static Answer answer(InputStream in) throws IOException {
        String status = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
            line(in);
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    /** One line, without its CRLF. */
    public static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Trusts the test server CA; presents {@code client}'s certificate. */
    public static SSLContext context(Certificates.Issued client) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", client.key(), new char[0], new Certificate[] {client.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server-ca", GatewayFixture.get().serverCa.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
