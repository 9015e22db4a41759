package dev.tollgate.gateway.bundle;

/** A policy bundle that failed a check: {@code reason} is a stable code ({@code bundle.signature}, ...). */
public final class BundleRefusedException extends RuntimeException {

    private final String reason;

    public BundleRefusedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
