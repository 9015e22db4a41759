package dev.tollgate.gateway.decisionlog;

/** Where encoded decision events go (a file, standard output, a test's memory). Called from the log's writer thread. */
public interface DecisionSink {

    /**
     * One event, encoded once for every sink as one line of JSON in UTF-8, without the newline:
     * {@code json[0, length)}. The writer reuses the array for the next event: a sink that keeps the line copies it.
     */
    void write(DecisionEvent event, byte[] json, int length);

    /** The writer wrote a batch: a good moment to flush buffers. */
    default void flush() {
    }
}
