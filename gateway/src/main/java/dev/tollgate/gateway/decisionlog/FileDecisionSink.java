package dev.tollgate.gateway.decisionlog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Appends JSON lines to a file, or to standard output ({@code -}) for a cluster's log collector. A file can be capped:
 * past {@code maxBytes} it is rotated at the next batch boundary ({@code decisions.jsonl} → {@code .1} → ... →
 * {@code .maxFiles}, the oldest dropped), so the log never fills a disk. Only the log's writer thread calls it.
 */
public final class FileDecisionSink implements DecisionSink, AutoCloseable {

    private final boolean stdout;
    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    private BufferedWriter out;
    private long written;

    public FileDecisionSink(String location) {
        this(location, 0, 0);
    }

    /**
     * @param maxBytes rotate once the file holds this many bytes ({@code 0}: never)
     * @param maxFiles how many rotated files to keep
     */
    public FileDecisionSink(String location, long maxBytes, int maxFiles) {
        this.stdout = "-".equals(location);
        this.path = stdout ? null : Path.of(location).toAbsolutePath();
        this.maxBytes = stdout ? 0 : maxBytes;
        this.maxFiles = maxFiles;
        try {
            if (stdout) {
                this.out = new BufferedWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            } else {
                Files.createDirectories(path.getParent());
                open();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open decision log " + location, e);
        }
    }

    private void open() throws IOException {
        this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.written = Files.size(path);
    }

    @Override
    public void write(DecisionEvent event, String json) {
        try {
            out.write(json);
            out.write('\n');
            written += json.length() + 1; // JSON lines are ASCII: the encoder escapes the rest
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
            if (maxBytes > 0 && written >= maxBytes) {
                rotate();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (maxFiles > 0) {
            Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(path);
        }
        open();
    }

    private Path rotated(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    @Override
    public void close() {
        flush();
        if (!stdout) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing at shutdown: nothing left to do
            }
        }
    }
}
