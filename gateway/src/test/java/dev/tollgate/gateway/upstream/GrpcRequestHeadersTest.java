package dev.tollgate.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** The gRPC request filter answers as Spring Cloud Gateway's does, and copies nothing for the requests it leaves be. */
class GrpcRequestHeadersTest {

    private final GrpcRequestHeaders ours = new GrpcRequestHeaders();
    private final GRPCRequestHeadersFilter scg = new GRPCRequestHeadersFilter();

    @Test
    void itAddsTeTrailersToGrpcRequestsExactlyAsSpringCloudGatewaysDoes() {
        for (String type : List.of("application/grpc", "application/grpc+proto", "APPLICATION/GRPC-web",
                "application/json", "text/plain", "")) {
            HttpHeaders input = new HttpHeaders();
            if (!type.isEmpty()) {
                input.add(HttpHeaders.CONTENT_TYPE, type);
            }
            input.add("X-Many", "a");
            input.add("x-many", "b");
            var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/svc/Method").build());
            assertThat(ours.filter(input, exchange).toSingleValueMap()).as(type)
                    .isEqualTo(scg.filter(input, exchange).toSingleValueMap());
            assertThat(ours.filter(input, exchange).get("x-many")).as(type).containsExactly("a", "b");
            boolean grpc = type.toLowerCase(java.util.Locale.ROOT).startsWith("application/grpc");
            assertThat(ours.filter(input, exchange).getFirst("te")).as(type).isEqualTo(grpc ? "trailers" : null);
            assertThat(input.containsHeader("te")).as("the input is never edited").isFalse();
            if (!grpc) {
                assertThat(ours.filter(input, exchange)).as("no copy for " + type).isSameAs(input);
            }
        }
    }

    @Test
    void theRoutingFilterUsesItInPlaceOfSpringCloudGatewaysAndKeepsTheRest() {
        HttpHeadersFilter hopByHop = new RemoveHopByHopHeadersFilter();
        List<HttpHeadersFilter> filters = GrpcRequestHeaders.replacing(List.of(hopByHop, scg));
        assertThat(filters).hasSize(2).startsWith(hopByHop);
        assertThat(filters.get(1)).isInstanceOf(GrpcRequestHeaders.class);
        assertThat(GrpcRequestHeaders.replacing(null)).isEmpty();
    }
}
