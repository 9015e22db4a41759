package dev.tollgate.gateway.problem;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * Writes a rejection as RFC 9457 problem+json. Never includes policy internals, key material or stack traces:
 * the decision id lets an operator find the full story in the decision log.
 */
public final class ProblemResponses {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private ProblemResponses() {
    }

    public static Mono<Void> write(ServerHttpResponse response, RequestRejectedException rejection, String decisionId) {
        response.setStatusCode(rejection.kind().status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(PROBLEM_JSON);
        headers.setCacheControl("no-store");
        rejection.challenges().forEach(c -> headers.add(HttpHeaders.WWW_AUTHENTICATE, c));
        rejection.headers().forEach(headers::set);
        if (rejection.retryAfter() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, rejection.retryAfter().toSeconds())));
        }
        DataBuffer buffer = response.bufferFactory().wrap(body(rejection, decisionId).getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }

    /** The problem document alone, for a writer below Spring's response (a request Spring cannot represent). */
    public static String body(RequestRejectedException rejection, String decisionId) {
        return body(rejection.kind().status().value(), title(rejection.kind()), rejection.code(),
                rejection.description(), decisionId);
    }

    /** A problem document with any status (the HTTP layer's 414 and 431 have no {@link RejectionKind}). */
    public static String body(int status, String title, String code, String detail, String decisionId) {
        return "{\"type\":\"about:blank\",\"title\":" + Json.quote(title)
                + ",\"status\":" + status
                + ",\"code\":" + Json.quote(code)
                + ",\"detail\":" + Json.quote(detail)
                + ",\"decision_id\":" + Json.quote(decisionId) + "}";
    }

    private static String title(RejectionKind kind) {
        return switch (kind) {
            case BAD_REQUEST -> "Bad Request";
            case UNAUTHENTICATED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case UNAVAILABLE -> "Service Unavailable";
            case INTERNAL -> "Internal Server Error";
            case UPSTREAM_FAILED -> "Bad Gateway";
            case UPSTREAM_TIMEOUT -> "Gateway Timeout";
        };
    }
}
