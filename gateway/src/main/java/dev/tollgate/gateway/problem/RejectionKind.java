package dev.tollgate.gateway.problem;

import org.springframework.http.HttpStatus;

/**
 * The outcomes that are not "allowed". Deny and error are different things: a deny is the policy's answer,
 * an unavailable dependency is an error, and a bad credential is neither.
 */
public enum RejectionKind {
    /** Malformed request (RFC 6750 {@code invalid_request}). */
    BAD_REQUEST(HttpStatus.BAD_REQUEST, "DENY"),
    /** Missing or invalid credential (RFC 6750 {@code invalid_token} / RFC 9449 {@code invalid_dpop_proof}). */
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "DENY"),
    /** Authenticated, but not allowed: policy deny, tenant mismatch, revocation. */
    FORBIDDEN(HttpStatus.FORBIDDEN, "DENY"),
    /** A dependency the route needs is down and the route fails closed. */
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "ERROR"),
    /** A bug in Tollgate: refused (fail closed) and logged, never passed through. */
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "ERROR"),
    /** The request was allowed, but the upstream could not be reached or broke off. */
    UPSTREAM_FAILED(HttpStatus.BAD_GATEWAY, "ERROR"),
    /** The request was allowed, but the upstream did not answer in time. */
    UPSTREAM_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "ERROR");

    private final HttpStatus status;
    private final String effect;

    RejectionKind(HttpStatus status, String effect) {
        this.status = status;
        this.effect = effect;
    }

    public HttpStatus status() {
        return status;
    }

    /** The effect recorded in the decision log: {@code DENY} or {@code ERROR}. */
    public String effect() {
        return effect;
    }
}
