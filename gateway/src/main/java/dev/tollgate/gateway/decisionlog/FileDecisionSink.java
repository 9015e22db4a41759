package dev.tollgate.gateway.decisionlog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends JSON lines to a file; {@code -} means standard output. */
public final class FileDecisionSink implements DecisionSink, AutoCloseable {

    private final BufferedWriter out;
    private final boolean stdout;

    public FileDecisionSink(String location) {
        this.stdout = "-".equals(location);
        try {
            if (stdout) {
                this.out = new BufferedWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            } else {
                Path path = Path.of(location).toAbsolutePath();
                Files.createDirectories(path.getParent());
                this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open decision log " + location, e);
        }
    }

    @Override
    public void write(DecisionEvent event, String json) {
        try {
            out.write(json);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
