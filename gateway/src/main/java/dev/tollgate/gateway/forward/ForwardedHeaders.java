package dev.tollgate.gateway.forward;

import dev.tollgate.gateway.authn.Authentication;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers of the request Tollgate proxies: forged identity headers removed on every route, and on an enforced
 * route the credentials stripped and the identity headers set (from the exchange's {@link Forwarding}).
 * <p>
 * Why a headers filter and not a rewritten request: Spring Cloud Gateway copies the request's headers for the upstream
 * anyway (its hop-by-hop filter); editing that copy, last, costs a few map operations, where rewriting the request
 * made a case-insensitive copy that every later header filter then walked more slowly than Netty's own headers.
 */
public final class ForwardedHeaders implements HttpHeadersFilter, Ordered {

    /** The exchange attribute holding the {@link Forwarding} of an allowed, enforced request. */
    public static final String FORWARDING = ForwardedHeaders.class.getName() + ".forwarding";

    /**
     * What an allowed request forwards.
     *
     * @param stripCredentials  the route does not forward the client's credentials
     * @param identityEncoding  ask the upstream for an uncompressed answer (an MCP route reads it)
     * @param transactionToken  the gateway-signed Txn-Token, or {@code null}
     */
    public record Forwarding(Authentication authentication, String decisionId, boolean stripCredentials,
                             boolean identityEncoding, String transactionToken) {
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Forwarding forwarding = exchange.getAttribute(FORWARDING);
        if (forwarding == null && !IdentityHeaders.anyForged(input)) {
            return input;
        }
        // Never edit the inbound request's own headers (read-only, or Netty's): a copy when no earlier filter made one.
        HttpHeaders headers = input != exchange.getRequest().getHeaders() && input.getClass() == HttpHeaders.class
                ? input : HttpHeaders.copyOf(input);
        IdentityHeaders.removeForged(headers);
        if (forwarding != null) {
            if (forwarding.stripCredentials()) {
                IdentityHeaders.stripCredentials(headers);
            }
            IdentityHeaders.add(headers, forwarding.authentication(), forwarding.decisionId());
            if (forwarding.identityEncoding()) {
                headers.remove(HttpHeaders.ACCEPT_ENCODING);
            }
            if (forwarding.transactionToken() != null) {
                headers.set(dev.tollgate.gateway.txn.TransactionTokens.HEADER, forwarding.transactionToken());
            }
        }
        return headers;
    }

    /** After Spring Cloud Gateway's own header filters: nothing they do can undo these. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
