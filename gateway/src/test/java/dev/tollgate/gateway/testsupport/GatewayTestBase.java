package dev.tollgate.gateway.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shared gateway for end-to-end tests: every subclass has the same properties, so Spring's test context cache
 * starts it once. TLS listener with {@code client-auth: need}.
 */
public abstract class GatewayTestBase extends AbstractGatewayTest {

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry r) {
        register(r, "need");
    }
}
