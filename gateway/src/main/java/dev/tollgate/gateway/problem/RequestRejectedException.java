package dev.tollgate.gateway.problem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
    private final List<String> challenges;
    private final Duration retryAfter;
    private final List<String> decidingRules;
    private final Map<String, String> headers;

    private RequestRejectedException(RejectionKind kind, String code, String description, List<String> challenges,
                                     Duration retryAfter, List<String> decidingRules, Map<String, String> headers) {
        super(description, null, false, false);
        this.kind = kind;
        this.code = code;
        this.challenges = challenges == null ? List.of() : List.copyOf(challenges);
        this.retryAfter = retryAfter;
        this.decidingRules = decidingRules == null ? List.of() : List.copyOf(decidingRules);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    private RequestRejectedException(RejectionKind kind, String code, String description, String challenge,
                                     Duration retryAfter, List<String> decidingRules) {
        this(kind, code, description, challenge == null ? List.of() : List.of(challenge), retryAfter, decidingRules,
                null);
    }

    /** 401 (or 400 for {@code invalid_request}) with a {@code WWW-Authenticate} challenge. */
    public static RequestRejectedException unauthenticated(RejectionKind kind, String code, String description,
                                                            String challenge) {
        return new RequestRejectedException(kind, code, description, challenge, null, null);
    }

    /**
     * 401 (or 400) with several {@code WWW-Authenticate} challenges (one header each: a route that takes Bearer and
     * DPoP offers both) and extra response headers such as {@code DPoP-Nonce}.
     */
    public static RequestRejectedException unauthenticated(RejectionKind kind, String code, String description,
                                                            List<String> challenges, Map<String, String> headers) {
        return new RequestRejectedException(kind, code, description, challenges, null, null, headers);
    }

    /** 400: a malformed request, refused before any credential is looked at. */
    public static RequestRejectedException badRequest(String code, String description) {
        return new RequestRejectedException(RejectionKind.BAD_REQUEST, code, description, null, null, null);
    }

    /** 403: authenticated but not allowed. */
    public static RequestRejectedException forbidden(String code, String description, List<String> decidingRules) {
        return new RequestRejectedException(RejectionKind.FORBIDDEN, code, description, null, null, decidingRules);
    }

    /** 503: a dependency is down and the route fails closed. */
    public static RequestRejectedException unavailable(String code, String description, Duration retryAfter) {
        return new RequestRejectedException(RejectionKind.UNAVAILABLE, code, description, null, retryAfter, null);
    }

    /** 502 or 504: the request was allowed, and the upstream failed it. */
    public static RequestRejectedException upstream(RejectionKind kind, String code, String description) {
        return new RequestRejectedException(kind, code, description, null, null, null);
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

    /** The {@code WWW-Authenticate} values, one header each; empty when none. */
    public List<String> challenges() {
        return challenges;
    }

    /** Further response headers the client needs (e.g. {@code DPoP-Nonce}). */
    public Map<String, String> headers() {
        return headers;
    }

    /** For 503: how long a client should wait, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public List<String> decidingRules() {
        return decidingRules;
    }
}
