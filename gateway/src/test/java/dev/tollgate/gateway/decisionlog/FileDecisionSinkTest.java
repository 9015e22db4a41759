package dev.tollgate.gateway.decisionlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The file the operators read: one JSON line per event whatever the strings in it hold (a token's claims and a
 * request's path are the client's), lines whole across batches, and rotation by size that never loses a line.
 */
class FileDecisionSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static DecisionEvent event(String id, String principal, String path) {
        return DecisionEvent.of(id, Instant.parse("2026-12-03T10:00:00Z")).outcome("DENY", 403, "policy.no-match")
                .route("acme-api").tenant("acme").principal(principal, "acme.demo").request("GET", path)
                .decidedBy(List.of(), "r1").credentials(List.of("jwt")).credentialReferences("f00d", "j1", null, null)
                .cache("MISS").latencyMicros(12).build();
    }

    /** Strings made of the classes a hostile or merely foreign client sends, mixed. */
    static String hostile(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(8)) {
                case 0 -> s.append((char) random.nextInt(0x20)); // control characters, newline included
                case 1 -> s.append("\"\\/".charAt(random.nextInt(3))); // JSON's own syntax
                case 2 -> s.append((char) (0x80 + random.nextInt(0x780))); // two-byte UTF-8
                case 3 -> s.append((char) (0x800 + random.nextInt(0xD000 - 0x800))); // three-byte, below surrogates
                case 4 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a surrogate pair: four bytes
                case 5 -> s.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate: not text at all
                case 6 -> s.append('\u2028'); // a line separator some readers split on
                default -> s.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return s.toString();
    }

    @Test
    void everyEventIsOneParseableLineWhateverItsStringsHold() throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        List<String> principals = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        try (FileDecisionSink sink = new FileDecisionSink(file.toString());
             DecisionLog log = new DecisionLog(10_000, List.of(sink))) {
            for (long seed = 1; seed <= 8; seed++) {
                Random random = new Random(seed);
                for (int i = 0; i < 250; i++) {
                    String principal = hostile(random, random.nextInt(40));
                    String path = "/" + hostile(random, random.nextInt(40));
                    principals.add(principal);
                    paths.add(path);
                    assertThat(log.record(event("e" + principals.size(), principal, path))).isTrue();
                }
            }
        }
        // readAllLines decodes strictly: a byte sequence that is not UTF-8 fails here.
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(principals.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.get("decision_id").asString()).isEqualTo("e" + (i + 1));
            // Every value comes back exactly: a lone surrogate, which UTF-8 cannot carry, is written as a JSON escape
            // (a charset encoder would have made it a '?', losing what the client sent).
            assertThat(line.get("principal").asString()).isEqualTo(principals.get(i));
            assertThat(line.get("path").asString()).isEqualTo(paths.get(i));
        }
    }

    @Test
    void aFullFileRotatesAtABatchBoundaryAndKeepsEveryLine() throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        int perBatch = 50;
        int batches = 40;
        try (FileDecisionSink sink = new FileDecisionSink(file.toString(), 20_000, 3)) {
            DecisionEventEncoder encoder = new DecisionEventEncoder();
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < perBatch; i++) {
                    byte[] json = encoder.encode(event("b" + b + "-" + i, "spiffe://acme.demo/sa/é" + i,
                            "/api/" + b)).getBytes(StandardCharsets.UTF_8);
                    sink.write(null, json, json.length);
                }
                sink.flush();
            }
        }
        List<Path> files = List.of(file, Path.of(file + ".1"), Path.of(file + ".2"), Path.of(file + ".3"));
        assertThat(Files.exists(Path.of(file + ".4"))).as("only maxFiles rotated files are kept").isFalse();
        List<String> kept = new ArrayList<>();
        for (int f = files.size() - 1; f >= 0; f--) {
            assertThat(files.get(f)).exists();
            List<String> lines = Files.readAllLines(files.get(f), StandardCharsets.UTF_8);
            if (f > 0) {
                // Rotated once past the cap, at the end of a batch: a whole number of batches, no line cut.
                long size = Files.size(files.get(f));
                assertThat(size).isGreaterThanOrEqualTo(20_000).isLessThan(20_000 + perBatch * 400);
                assertThat(lines.size() % perBatch).isZero();
            }
            kept.addAll(lines);
        }
        // The newest lines survive, in order, with no gap: the oldest files were dropped whole.
        int first = batches * perBatch - kept.size();
        for (int i = 0; i < kept.size(); i++) {
            int n = first + i;
            assertThat(JSON.readTree(kept.get(i)).get("decision_id").asString())
                    .isEqualTo("b" + (n / perBatch) + "-" + (n % perBatch));
        }
    }

    /** Lines "n0".."n(count-1)" as one batch; the last line flushed. */
    static void batch(FileDecisionSink sink, String prefix, int count) {
        DecisionEventEncoder encoder = new DecisionEventEncoder();
        for (int i = 0; i < count; i++) {
            byte[] json = encoder.encode(event(prefix + i, "spiffe://acme.demo/sa/checkout", "/api/" + i))
                    .getBytes(StandardCharsets.UTF_8);
            sink.write(null, json, json.length);
        }
        sink.flush();
    }

    static List<String> ids(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            ids.add(JSON.readTree(line).get("decision_id").asString()); // a half line does not parse
        }
        return ids;
    }

    /** A disk that takes {@code room} more bytes once {@code full} is set, then refuses, as ENOSPC does. */
    static final class FillingDisk implements FileDecisionSink.Opener {
        volatile boolean full;
        volatile int room;

        @Override
        public java.io.OutputStream append(Path path) throws java.io.IOException {
            java.io.OutputStream file = Files.newOutputStream(path, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return new java.io.FilterOutputStream(file) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (full) {
                        int taken = Math.min(len, room);
                        file.write(b, off, taken);
                        room -= taken;
                        if (taken < len) {
                            throw new java.io.IOException("No space left on device");
                        }
                        return;
                    }
                    file.write(b, off, len);
                }
            };
        }
    }

    /**
     * A batch the disk took part of before it filled leaves half a line, which would make the next line unreadable too
     * ({@code ...half{"decision_id":...}}). The next batch opens the file again and cuts it back to the end of the last
     * whole batch, for any point of the failed batch the disk stopped at.
     */
    @Test
    void aBatchCutShortByAFullDiskLeavesNoHalfLine() throws Exception {
        for (int room : new int[] {0, 1, 200, 333, 999, 2047}) {
            Path file = dir.resolve("cut-" + room + ".jsonl");
            FillingDisk disk = new FillingDisk();
            try (FileDecisionSink sink = new FileDecisionSink(file.toString(), 0, 0, disk, Long.MAX_VALUE)) {
                batch(sink, "a", 3);
                disk.room = room;
                disk.full = true;
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch(sink, "lost", 5))
                        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("No space left");
                assertThat(Files.size(file)).as("the disk took %d bytes of the batch", room)
                        .isEqualTo(Files.readAllBytes(file).length);
                disk.full = false;
                batch(sink, "b", 2);
            }
            assertThat(ids(file)).as("room %d", room).containsExactly("a0", "a1", "a2", "b0", "b1");
        }
    }

    /** The kernel's own ENOSPC: the path names /dev/full (through a link) until a real file is put there. */
    @Test
    void aRealFullDeviceFailsTheBatchAndTheFilePutBackIsWritten() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        Path file = dir.resolve("decisions.jsonl");
        Files.createSymbolicLink(file, Path.of("/dev/full"));
        try (FileDecisionSink sink = new FileDecisionSink(file.toString())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch(sink, "lost", 2))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("No space left");
            Files.delete(file);
            batch(sink, "kept", 2);
        }
        assertThat(Files.isSymbolicLink(file)).isFalse();
        assertThat(ids(file)).containsExactly("kept0", "kept1");
    }

    /** logrotate without copytruncate moves the file away: the next batch goes to a new file at the path. */
    @Test
    void aFileMovedAwayIsFollowedByANewOneAtThePath() throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        Path moved = dir.resolve("decisions.jsonl-20261206");
        try (FileDecisionSink sink = new FileDecisionSink(file.toString(), 0, 0, FileDecisionSinkTest::append, 0)) {
            batch(sink, "old", 2);
            Files.move(file, moved);
            batch(sink, "new", 2);
            Files.delete(file);
            batch(sink, "after-delete", 1);
        }
        assertThat(ids(moved)).containsExactly("old0", "old1");
        assertThat(ids(file)).containsExactly("after-delete0");
    }

    static java.io.OutputStream append(Path path) throws java.io.IOException {
        return Files.newOutputStream(path, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * Standard output swallows its errors: a closed pipe to the log collector used to lose every line without a word.
     * The sink reads the error back after the batch and fails it, as a full disk does.
     */
    @Test
    void standardOutputThatCannotBeWrittenFailsTheBatch() {
        java.io.PrintStream saved = System.out;
        java.io.PrintStream broken = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        }, true);
        FileDecisionSink sink;
        try {
            System.setOut(broken);
            sink = new FileDecisionSink("-");
        } finally {
            System.setOut(saved);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch(sink, "lost", 2))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("standard output");
    }
}
