package dev.tollgate.gateway.token;

/**
 * A workload token that is not acceptable. {@code reason} is a stable code ({@code token.expired}); the message is a
 * short, safe description naming the failed check (never key material or the token).
 */
public class TokenRejectedException extends RuntimeException {

    private final String reason;
    private final boolean malformedRequest;

    public TokenRejectedException(String reason, String message) {
        this(reason, message, false);
    }

    public TokenRejectedException(String reason, String message, boolean malformedRequest) {
        super(message, null, false, false);
        this.reason = reason;
        this.malformedRequest = malformedRequest;
    }

    public String reason() {
        return reason;
    }

    /** RFC 6750 {@code invalid_request} (400) rather than {@code invalid_token} (401). */
    public boolean malformedRequest() {
        return malformedRequest;
    }
}
