package dev.tollgate.policy;

import java.nio.file.Path;

/** A policy document that cannot be loaded; names the file, the line and the reason, so an author can fix it. */
public class PolicyLoadException extends RuntimeException {

    private final Path file;
    private final int line;
    private final String reason;

    public PolicyLoadException(Path file, int line, String reason) {
        super((file == null ? "<policies>" : file.toString()) + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
