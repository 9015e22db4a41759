package dev.tollgate.gateway.decisionlog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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

    static final int BUFFER_BYTES = 64 * 1024;

    private final boolean stdout;
    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    /** Buffered: the log flushes once per batch, so one write system call carries many lines. */
    private OutputStream out;
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
                this.out = new BufferedOutputStream(System.out, BUFFER_BYTES);
            } else {
                Files.createDirectories(path.getParent());
                open();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open decision log " + location, e);
        }
    }

    private void open() throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), BUFFER_BYTES);
        this.written = Files.size(path);
    }

    @Override
    public void write(DecisionEvent event, byte[] json, int length) {
        try {
            out.write(json, 0, length);
            out.write('\n');
            written += length + 1;
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
