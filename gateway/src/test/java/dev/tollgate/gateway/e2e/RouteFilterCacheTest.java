package dev.tollgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.testsupport.GatewayTestBase;
import dev.tollgate.gateway.testsupport.TlsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The built-in default {@code route-filter-cache-enabled}: Spring Cloud Gateway combines and sorts a route's filters
 * with the global ones once per route, not on every request. The property sits under SCG's current prefix, where a
 * misplaced key would be silently ignored, so this checks the effect, not the property.
 */
class RouteFilterCacheTest extends GatewayTestBase {

    @Autowired
    FilteringWebHandler filteringWebHandler;

    @Test
    void aRoutesCombinedFiltersAreSortedOnceAndReused() {
        TlsClient client = client(fixture.checkout);
        String token = fixture.token(GatewayFixture.CHECKOUT).sign();
        assertThat(client.get("/api/acme/orders/7", TlsClient.bearer(token)).status()).isEqualTo(200);
        assertThat(client.get("/public/ping", Map.of()).status()).isLessThan(500);

        Map<Route, java.util.List<GatewayFilter>> cached = routeFilterMap();
        assertThat(cached.keySet()).extracting(Route::getId).contains("public");
        Route route = cached.keySet().stream().filter(r -> r.getId().equals("public")).findFirst().orElseThrow();
        var first = cached.get(route);
        assertThat(client.get("/public/ping", Map.of()).status()).isLessThan(500);
        assertThat(routeFilterMap().get(route)).as("the same sorted list, not a new one per request").isSameAs(first);
    }

    @SuppressWarnings("unchecked")
    private Map<Route, java.util.List<GatewayFilter>> routeFilterMap() {
        return (Map<Route, java.util.List<GatewayFilter>>) ReflectionTestUtils.invokeMethod(filteringWebHandler,
                "getRouteFilterMap");
    }
}
