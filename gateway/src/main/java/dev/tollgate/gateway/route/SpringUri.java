package dev.tollgate.gateway.route;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The URI Spring WebFlux makes of a Reactor Netty request, made by Spring's own code: spring-web's package-private
 * {@code ReactorUriHelper.createUri} (scheme, Host, port, forwarded prefix, then the target). What Spring cannot make
 * into a URI it refuses before any filter runs, so {@link MalformedTargetRoute} asks the same code rather than a copy
 * of it. Should a Spring upgrade move that method, the handle is missing: {@code MalformedTargetRouteTest} fails, and
 * until then a copy of its rule for the target alone is used.
 */
final class SpringUri {

    private static final MethodHandle CREATE = find();

    private SpringUri() {
    }

    static boolean isSpringsOwn() {
        return CREATE != null;
    }

    static URI create(HttpServerRequest request) throws URISyntaxException {
        if (CREATE == null) {
            return new URI("http://localhost" + MalformedTargetRoute.springTail(request.uri()));
        }
        try {
            return (URI) CREATE.invokeExact(request);
        } catch (URISyntaxException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle find() {
        try {
            Class<?> helper = Class.forName("org.springframework.http.server.reactive.ReactorUriHelper");
            Method create = helper.getMethod("createUri", HttpServerRequest.class);
            create.setAccessible(true);
            return MethodHandles.lookup().unreflect(create)
                    .asType(MethodType.methodType(URI.class, HttpServerRequest.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
