package dev.tollgate.gateway.upstream;

import dev.tollgate.policy.SpiffeId;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.client.HttpClient;

/**
 * Spring Cloud Gateway's routing filter, with the TLS client of routes that pin their upstream's SPIFFE ID
 * ({@link UpstreamTls}). Runs just before SCG's own, which then sees the request already routed and stands aside.
 */
public final class UpstreamRoutingFilter extends NettyRoutingFilter {

    private final UpstreamTls tls;
    private volatile List<HttpHeadersFilter> headersFilters;

    public UpstreamRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
                                 HttpClientProperties properties, UpstreamTls tls) {
        super(httpClient, headersFilters, properties);
        this.tls = tls;
    }

    /** SCG's header filters, with its gRPC request filter replaced by one that copies only gRPC requests' headers. */
    @Override
    public List<HttpHeadersFilter> getHeadersFilters() {
        List<HttpHeadersFilter> filters = headersFilters;
        if (filters == null) {
            filters = GrpcRequestHeaders.replacing(super.getHeadersFilters());
            headersFilters = filters;
        }
        return filters;
    }

    @Override
    public int getOrder() {
        return super.getOrder() - 1;
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        SpiffeId peer = exchange.getAttribute(UpstreamTls.PEER);
        if (peer == null) {
            return super.getHttpClient(route, exchange);
        }
        if (!"https".equals(route.getUri().getScheme())) {
            // Never send what should be mutually authenticated in clear text.
            throw new ResponseStatusException(org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR,
                    "route " + route.getId() + " pins its upstream's SPIFFE ID but its uri is not https");
        }
        return tls.client(route.getId(), peer, () -> super.getHttpClient(route, exchange));
    }
}
