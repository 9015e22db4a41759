package dev.tollgate.gateway.decisionlog;

/** Where encoded decision events go (a file, standard output, a test's memory). Called from the log's writer thread. */
public interface DecisionSink {

    void write(DecisionEvent event, String json);

    /** The writer wrote a batch: a good moment to flush buffers. */
    default void flush() {
    }
}
