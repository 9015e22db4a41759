package dev.tollgate.policy;

/** A policy document that cannot be loaded: names the file, the line and the reason. */
public class PolicyLoadException extends RuntimeException {

    public PolicyLoadException(String message) {
        super(message);
    }
}
