package dev.tollgate.peer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The peer a Java team would build: Spring Cloud Gateway with Spring Security's OAuth2 resource server checking the
 * same workload JWT (its JWK Set from {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}), every route
 * authenticated. perf/compare.sh runs it beside Tollgate with the same token, TLS provider and upstream.
 */
@SpringBootApplication
public class SecuredGateway {

    public static void main(String[] args) {
        SpringApplication.run(SecuredGateway.class, args);
    }

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http.authorizeExchange(e -> e.anyExchange().authenticated())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()))
                .build();
    }
}
