package dev.tollgate.gateway.problem;

import java.time.Duration;
import java.util.List;

/**
 * Ends a request with a client-facing answer. Carries only what is safe to show: a stable {@code code}
 * ({@code token.expired}, {@code policy.denied}, {@code dependency.redis}) and a short description.
 * Stack traces are disabled: this is a control-flow signal, not a bug report.
 *
 * @see ProblemResponses
 */
public class RequestRejectedException extends RuntimeException {

    private final RejectionKind kind;
    private final String code;
    private final String challenge;
    private final Duration retryAfter;
    private final List<String> decidingRules;

    private RequestRejectedException(RejectionKind kind, String code, String description, String challenge,
                                     Duration retryAfter, List<String> decidingRules) {
        super(description, null, false, false);
        this.kind = kind;
        this.code = code;
        this.challenge = challenge;
        this.retryAfter = retryAfter;
        this.decidingRules = decidingRules == null ? List.of() : List.copyOf(decidingRules);
    }

    /** 401 (or 400 for {@code invalid_request}) with a {@code WWW-Authenticate} challenge. */
    public static RequestRejectedException unauthenticated(RejectionKind kind, String code, String description,
                                                            String challenge) {
        return new RequestRejectedException(kind, code, description, challenge, null, null);
    }

    /** 403: authenticated but not allowed. */
    public static RequestRejectedException forbidden(String code, String description, List<String> decidingRules) {
        return new RequestRejectedException(RejectionKind.FORBIDDEN, code, description, null, null, decidingRules);
    }

    /** 503: a dependency is down and the route fails closed. */
    public static RequestRejectedException unavailable(String code, String description, Duration retryAfter) {
        return new RequestRejectedException(RejectionKind.UNAVAILABLE, code, description, null, retryAfter, null);
    }

    /** 500: an unexpected failure inside Tollgate; the request is refused, never let through. */
    public static RequestRejectedException internal() {
        return new RequestRejectedException(RejectionKind.INTERNAL, "internal.error",
                "the gateway could not process this request", null, null, null);
    }

    public RejectionKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String description() {
        return getMessage();
    }

    /** The {@code WWW-Authenticate} value, or {@code null}. */
    public String challenge() {
        return challenge;
    }

    /** For 503: how long a client should wait, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public List<String> decidingRules() {
        return decidingRules;
    }
}
