package dev.tollgate.perf.jmh;

import dev.tollgate.gateway.decisionlog.DecisionEvent;
import dev.tollgate.gateway.decisionlog.DecisionEventEncoder;
import dev.tollgate.gateway.decisionlog.DecisionIds;
import dev.tollgate.gateway.decisionlog.FileDecisionSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The decision log's writer thread, per event: a batch of {@link #BATCH} events (what 20 ms gathers at ~4,500
 * requests a second) encoded as the writer does (once, into one reused byte buffer) and either only encoded
 * ({@code encode}) or also appended to a file and flushed per batch ({@code encodeAndWrite}); the difference is what
 * the file costs. The file is rotated at 64 MiB with none kept, so a run's disk use is bounded.
 * (perf/results/request-path-2026-12-03.md compares this path with the one before it, string lines through a charset
 * writer, on the two builds' classes.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionLogBenchmark {

    static final int BATCH = 90;

    /** Which request's line: a public route's ({@code public}) or an allowed bearer-token request's. */
    @Param({"public", "bearer"})
    String event;
    private static final long ROTATE_BYTES = 64L << 20;

    private final DecisionEventEncoder encoder = new DecisionEventEncoder();
    private final DecisionEvent[] batch = new DecisionEvent[BATCH];
    private final LineBuffer line = new LineBuffer();
    private Path dir;
    private FileDecisionSink sink;

    /** The writer's buffer: lends its array, as the log's does. */
    static final class LineBuffer extends ByteArrayOutputStream {
        LineBuffer() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("tollgate-decision-log-bench");
        sink = new FileDecisionSink(dir.resolve("decisions.jsonl").toString(), ROTATE_BYTES, 0);
        for (int i = 0; i < BATCH; i++) {
            batch[i] = "public".equals(event)
                    // A public route's line (the plain row of perf/compare.sh): route, method, path, effect, status.
                    ? DecisionEvent.of(DecisionIds.next(), Instant.now()).outcome("ALLOW", 200, "route.public")
                            .route("perf-public").request("GET", "/api/perf/items/" + i).latencyMicros(123).build()
                    // An allowed bearer-token request's line (the bearer row): principal, rule, revision, token refs.
                    : DecisionEvent.of(DecisionIds.next(), Instant.now()).outcome("ALLOW", 200, "policy.permit")
                            .route("perf").tenant("perf").principal("spiffe://perf.test/ns/default/sa/client", "perf.test")
                            .request("GET", "/api/perf/items/" + i).decidedBy(List.of("allow-items"), "r-3f9a2c41")
                            .credentials(List.of("jwt"))
                            .credentialReferences("9c1e5b2a7d4f8e609c1e5b2a7d4f8e609c1e5b2a7d4f8e609c1e5b2a7d4f8e60",
                                    "b7a1e2c3-d4f5-4a6b-8c9d-0e1f2a3b4c5d", null, null)
                            .cache("L1").latencyMicros(140).build();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int encode() {
        int bytes = 0;
        for (DecisionEvent e : batch) {
            line.reset();
            encoder.encode(e, line);
            bytes += line.size();
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void encodeAndWrite() {
        for (DecisionEvent e : batch) {
            line.reset();
            encoder.encode(e, line);
            sink.write(e, line.bytes(), line.size());
        }
        sink.flush();
    }

    @TearDown
    public void tearDown() throws IOException {
        sink.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
