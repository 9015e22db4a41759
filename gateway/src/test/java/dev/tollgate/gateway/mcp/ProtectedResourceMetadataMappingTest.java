package dev.tollgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * The RFC 9728 documents are served for GET and HEAD of the well-known path and below it; every other request (another
 * method, a name that merely starts the same way, an unrelated path) falls through to the gateway's routes.
 */
class ProtectedResourceMetadataMappingTest {

    private final ProtectedResourceMetadata metadata = new ProtectedResourceMetadata();
    private final ProtectedResourceMetadataMapping mapping = new ProtectedResourceMetadataMapping(metadata);

    ProtectedResourceMetadataMappingTest() {
        McpRoute route = new McpRoute("weather", URI.create("https://api.test/mcp/weather"),
                List.of("https://idp.test"), List.of(), 65_536, 32, 16, 1 << 20);
        metadata.register(route, new ProtectedResourceMetadata.Presentation(List.of("ES256"), true, false));
    }

    @Test
    void servesTheDocumentsForGetAndHeadOfTheWellKnownPathAndBelowIt() {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
            for (String path : List.of("/.well-known/oauth-protected-resource/mcp/weather",
                    "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/",
                    "/.well-known/oauth-protected-resource/unknown")) {
                assertThat(handler(method, path)).as(method + " " + path).isNotNull();
            }
        }
    }

    @Test
    void everyOtherRequestFallsThroughToTheRoutes() {
        for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH,
                HttpMethod.OPTIONS, HttpMethod.valueOf("PROPFIND"))) {
            assertThat(handler(method, "/.well-known/oauth-protected-resource/mcp/weather")).as(method.name()).isNull();
        }
        for (String path : List.of("/.well-known/oauth-protected-resourcex", "/.well-known/oauth-protected-resource.json",
                "/.well-known/oauth-authorization-server", "/.well-known", "/", "/api/orders/1",
                "/mcp/weather/.well-known/oauth-protected-resource", "/.WELL-KNOWN/oauth-protected-resource")) {
            assertThat(handler(HttpMethod.GET, path)).as(path).isNull();
        }
    }

    @Test
    void answersWithTheRoutesDocumentOr404() {
        MockServerWebExchange found = exchange(HttpMethod.GET, "/.well-known/oauth-protected-resource/mcp/weather");
        handler(found).handle(found).block();
        assertThat(found.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(found.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(found.getResponse().getHeaders().getCacheControl()).isEqualTo("max-age=300");
        String body = found.getResponse().getBodyAsString().block();
        assertThat(body).contains("\"resource\":\"https://api.test/mcp/weather\"")
                .contains("\"dpop_bound_access_tokens_required\":true");
        assertThat(found.getResponse().getHeaders().getContentLength()).isEqualTo(body.length());

        MockServerWebExchange missing = exchange(HttpMethod.GET, "/.well-known/oauth-protected-resource/mcp/other");
        handler(missing).handle(missing).block();
        assertThat(missing.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    private WebHandler handler(HttpMethod method, String path) {
        return handler(exchange(method, path));
    }

    private WebHandler handler(MockServerWebExchange exchange) {
        return (WebHandler) mapping.getHandler(exchange).block();
    }

    private static MockServerWebExchange exchange(HttpMethod method, String path) {
        return MockServerWebExchange.from(MockServerHttpRequest.method(method, URI.create("https://api.test" + path)));
    }
}
