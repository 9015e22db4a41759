package dev.tollgate.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.forward.SmallBodyResponse;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.RawTls;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * How many TLS records a proxied answer takes on the wire (issue 15): a small body of declared length goes out with
 * its headers in one record (one write, one send), a large or chunked one as before. Counted from the raw bytes under
 * a real TLS client, on the second request of a kept-alive connection (the first shares its reads with TLS 1.3 session
 * tickets).
 */
class ResponseRecordsTest extends GatewayTestBase {

    @Test
    void aSmallBodyOfDeclaredLengthComesInOneRecordWithItsHeaders() throws Exception {
        Random random = new Random(15);
        int[] sizes = {1, 3, 200, 1 + random.nextInt(4096), 4096 + random.nextInt(8192), SmallBodyResponse.MAX_BYTES};
        for (int size : sizes) {
            String body = body(size, random);
            stub("/public/records/" + size, body, true);
            Exchange e = twice("/public/records/" + size);
            assertThat(e.body).as("body of %d bytes", size).isEqualTo(body);
            // A record carries at most 16 KiB: the largest joined body and its headers need two, written at once.
            int records = (e.headBytes + size + 16383) / 16384;
            assertThat(e.records).as("application-data records for a %d-byte body", size).isEqualTo(records);
        }
    }

    @Test
    void largerAndChunkedBodiesAreStillRelayedAsTheyCome() throws Exception {
        Random random = new Random(16);
        String large = body(SmallBodyResponse.MAX_BYTES + 1, random);
        stub("/public/records/large", large, true);
        Exchange e = twice("/public/records/large");
        assertThat(e.body).isEqualTo(large);
        assertThat(e.records).as("headers on their own, then the body").isGreaterThanOrEqualTo(2);

        String chunked = body(300, random);
        stub("/public/records/chunked", chunked, false);
        e = twice("/public/records/chunked");
        assertThat(e.body).isEqualTo(chunked);
        assertThat(e.records).as("a body of unknown length is not held back").isGreaterThanOrEqualTo(2);
    }

    private static String body(int size, Random random) {
        StringBuilder b = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private void stub(String path, String body, boolean declaredLength) {
        var response = aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody(body);
        // WireMock declares the length of a fixed body; a chunked answer is asked for with the header.
        fixture.upstream.stubFor(get(urlEqualTo(path)).willReturn(declaredLength
                ? response.withHeader("Content-Length", Integer.toString(body.length()))
                : response.withHeader("Transfer-Encoding", "chunked")));
    }

    record Exchange(String body, int headBytes, int records) {
    }

    record Answer(String body, int headBytes) {
    }

    /** Two GETs on one connection; the second's body and the application-data records its answer took. */
    private Exchange twice(String path) throws Exception {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            raw.setSoTimeout(10_000);
            RecordCounter counter = new RecordCounter(raw.getInputStream());
            Socket counted = new CountingSocket(raw, counter);
            try (SSLSocket tls = (SSLSocket) RawTls.context(fixture.checkout).getSocketFactory().createSocket(counted, "localhost", port,
                    true)) {
                tls.startHandshake();
                InputStream in = tls.getInputStream();
                OutputStream out = tls.getOutputStream();
                request(out, path);
                response(in);
                int before = counter.applicationData;
                request(out, path);
                Answer answer = response(in);
                return new Exchange(answer.body, answer.headBytes, counter.applicationData - before);
            }
        }
    }

    private static void request(OutputStream out, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one HTTP/1.1 answer (Content-Length or chunked): its body, and the size of its status line and headers. */
    private static Answer response(InputStream in) throws IOException {
        String head = RawTls.line(in);
        assertThat(head).startsWith("HTTP/1.1 200");
        int headBytes = head.length() + 2;
        int length = -1;
        boolean chunked = false;
        for (String h = RawTls.line(in); ; h = RawTls.line(in)) {
            headBytes += h.length() + 2;
            if (h.isEmpty()) {
                break;
            }
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int n = Integer.parseInt(RawTls.line(in).trim(), 16); n > 0; n = Integer.parseInt(RawTls.line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                RawTls.line(in);
            }
            RawTls.line(in);
        } else {
            body.write(in.readNBytes(length));
        }
        return new Answer(body.toString(StandardCharsets.US_ASCII), headBytes);
    }

    /** Follows the TLS record framing of what the server sends: 5-byte headers, then the announced length. */
    static final class RecordCounter extends FilterInputStream {
        private final byte[] header = new byte[5];
        private int headerRead;
        private int remaining;
        int applicationData;

        RecordCounter(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = 0; i < n; i++) {
                if (remaining > 0) {
                    int skip = Math.min(remaining, n - i);
                    remaining -= skip;
                    i += skip - 1;
                    continue;
                }
                header[headerRead++] = b[off + i];
                if (headerRead == 5) {
                    headerRead = 0;
                    remaining = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    if (header[0] == 23) {
                        applicationData++;
                    }
                }
            }
            return n;
        }
    }

    /** The connected socket, read through the counter (what the layered TLS socket reads). */
    static final class CountingSocket extends Socket {
        private final Socket socket;
        private final InputStream in;

        CountingSocket(Socket socket, InputStream in) {
            this.socket = socket;
            this.in = in;
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public java.net.InetAddress getInetAddress() {
            return socket.getInetAddress();
        }

        @Override
        public int getPort() {
            return socket.getPort();
        }

        @Override
        public void setSoTimeout(int timeout) throws java.net.SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws java.net.SocketException {
            return socket.getSoTimeout();
        }
    }
}
