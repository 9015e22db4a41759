package dev.tollgate.gateway.decisionlog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Appends JSON lines to a file, or to standard output ({@code -}) for a cluster's log collector. A file can be capped:
 * past {@code maxBytes} it is rotated at the next batch boundary ({@code decisions.jsonl} → {@code .1} → ... →
 * {@code .maxFiles}, the oldest dropped), so the log never fills a disk. Only the log's writer thread calls it.
 * <p>
 * A write can fail (a full disk, an I/O error, a directory removed). The batch that failed is then thrown away here —
 * the {@link DecisionLog} offers it again or counts it lost — and the next write reopens the path and cuts the file
 * back to the end of the last whole batch, so a batch the disk took half of leaves no half line behind. A file moved
 * or deleted from under the log (logrotate without {@code copytruncate}) is noticed within a second and the path
 * opened anew, instead of writing on into a file nobody reads.
 */
public final class FileDecisionSink implements DecisionSink, AutoCloseable {

    static final int BUFFER_BYTES = 64 * 1024;
    /** How often a healthy file checks that its path still names it. */
    static final long REOPEN_CHECK_NANOS = 1_000_000_000L;

    /** Opens the file for appending; a test's opener can fail like a full disk does. */
    interface Opener {
        OutputStream append(Path path) throws IOException;
    }

    private static final Opener FILES = path -> Files.newOutputStream(path, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);

    private final boolean stdout;
    /**
     * Standard output, which swallows its write errors (a {@link PrintStream}): they are read back after each batch,
     * so that a closed pipe to the log collector is a failure like a full disk, not lines lost without a word.
     */
    private final PrintStream console;
    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    private final Opener opener;
    private final long reopenCheckNanos;
    /** Buffered: the log flushes once per batch, so one write system call carries many lines. */
    private OutputStream out;
    /** The unbuffered stream under {@link #out}: closed without a flush when a batch is thrown away. */
    private OutputStream raw;
    /** The open file's identity, to tell a file moved away or replaced from the one still open. */
    private Object fileKey;
    /** Bytes in the file once the current batch is flushed. */
    private long written;
    /** Bytes in the file at the end of the last whole batch: where a failed batch is cut back to. */
    private long whole;
    private boolean broken;
    /** A batch has begun (its first line written) and not yet been flushed. */
    private boolean inBatch;
    private long checkedAt = System.nanoTime();

    public FileDecisionSink(String location) {
        this(location, 0, 0);
    }

    /**
     * @param maxBytes rotate once the file holds this many bytes ({@code 0}: never)
     * @param maxFiles how many rotated files to keep
     */
    public FileDecisionSink(String location, long maxBytes, int maxFiles) {
        this(location, maxBytes, maxFiles, FILES, REOPEN_CHECK_NANOS);
    }

    FileDecisionSink(String location, long maxBytes, int maxFiles, Opener opener, long reopenCheckNanos) {
        this.stdout = "-".equals(location);
        this.path = stdout ? null : Path.of(location).toAbsolutePath();
        this.maxBytes = stdout ? 0 : maxBytes;
        this.maxFiles = maxFiles;
        this.opener = opener;
        this.reopenCheckNanos = reopenCheckNanos;
        this.console = stdout ? System.out : null;
        try {
            if (stdout) {
                this.out = new BufferedOutputStream(console, BUFFER_BYTES);
            } else {
                open();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open decision log " + location, e);
        }
    }

    private void open() throws IOException {
        Files.createDirectories(path.getParent());
        this.raw = opener.append(path);
        this.out = new BufferedOutputStream(raw, BUFFER_BYTES);
        BasicFileAttributes file = Files.readAttributes(path, BasicFileAttributes.class);
        this.fileKey = file.fileKey();
        this.written = file.size();
        this.whole = written;
    }

    @Override
    public void write(DecisionEvent event, byte[] json, int length) {
        try {
            if (!inBatch) {
                startBatch();
            }
            out.write(json, 0, length);
            out.write('\n');
            written += length + 1;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void flush() {
        try {
            if (!inBatch) {
                startBatch();
            }
            inBatch = false;
            out.flush();
            if (console != null && console.checkError()) {
                throw new IOException("standard output cannot be written (its reader has gone?)");
            }
            whole = written;
            if (maxBytes > 0 && written >= maxBytes) {
                rotate();
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Before a batch's first line: a file that failed is opened again, a healthy one checked to be still there. */
    private void startBatch() throws IOException {
        inBatch = true;
        if (broken) {
            reopen();
        } else if (!stdout && System.nanoTime() - checkedAt >= reopenCheckNanos) {
            reopenIfMoved();
        }
    }

    /** Throws the batch away: what it wrote is cut off when the file is next opened. */
    private UncheckedIOException fail(IOException e) {
        inBatch = false;
        if (!stdout) {
            broken = true;
            try {
                raw.close();
            } catch (IOException ignored) {
                // the stream is being given up; its error was the one reported
            }
        }
        return new UncheckedIOException("decision log " + (stdout ? "stdout" : path) + ": " + e.getMessage(), e);
    }

    /** After a failed batch: the path again (it may be another file by now), cut back to the last whole batch. */
    private void reopen() throws IOException {
        Object failedKey = fileKey;
        long cutTo = whole;
        open();
        if (Objects.equals(failedKey, fileKey) && written > cutTo && Files.isRegularFile(path)) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(cutTo);
            }
            written = cutTo;
            whole = cutTo;
        }
        broken = false;
    }

    private void reopenIfMoved() throws IOException {
        checkedAt = System.nanoTime();
        Object current;
        try {
            current = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            current = null;
        }
        if (current == null || !current.equals(fileKey)) {
            out.close();
            open();
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
        try {
            flush();
        } catch (UncheckedIOException e) {
            // closing at shutdown: the log has counted what it could not write
        }
        if (!stdout) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing at shutdown: nothing left to do
            }
        }
    }
}
