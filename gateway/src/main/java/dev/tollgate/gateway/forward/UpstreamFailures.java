package dev.tollgate.gateway.forward;

import dev.tollgate.gateway.problem.RejectionKind;
import dev.tollgate.gateway.problem.RequestRejectedException;
import io.netty.handler.timeout.TimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * How a failed call to an allowed request's upstream is answered: 502 {@code upstream.unreachable} when no connection
 * could be made, 502 {@code upstream.failed} when the connection broke off, 504 {@code upstream.timeout} when the
 * upstream did not answer within the route's response timeout. Without this, Spring answers a refused connection with
 * a bare 500, as if the gateway itself were broken.
 */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** The answer to {@code failure}, or {@code null} if it is not a failure of the upstream call. */
    public static RequestRejectedException classify(Throwable failure) {
        if (failure instanceof ResponseStatusException r) {
            return r.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value() ? timeout() : null;
        }
        int depth = 0;
        for (Throwable e = failure; e != null && depth < 8; e = e.getCause(), depth++) {
            if (e instanceof java.util.concurrent.TimeoutException || e instanceof TimeoutException) {
                return timeout();
            }
            if (e instanceof ConnectException || e instanceof UnknownHostException) {
                return RequestRejectedException.upstream(RejectionKind.UPSTREAM_FAILED, "upstream.unreachable",
                        "the upstream service could not be reached");
            }
            if (e instanceof javax.net.ssl.SSLException) {
                // A pinned upstream that did not prove its SPIFFE ID (or refused ours): never "the upstream broke".
                return RequestRejectedException.upstream(RejectionKind.UPSTREAM_FAILED, "upstream.tls",
                        "the upstream service's identity could not be verified over TLS");
            }
            if (e instanceof IOException) {
                return RequestRejectedException.upstream(RejectionKind.UPSTREAM_FAILED, "upstream.failed",
                        "the upstream service closed the connection without a complete response");
            }
        }
        return null;
    }

    private static RequestRejectedException timeout() {
        return RequestRejectedException.upstream(RejectionKind.UPSTREAM_TIMEOUT, "upstream.timeout",
                "the upstream service did not answer in time");
    }
}
