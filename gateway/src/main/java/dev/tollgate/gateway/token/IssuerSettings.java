package dev.tollgate.gateway.token;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One trusted token issuer ({@code tollgate.issuers.<name>}).
 *
 * @param issuer          the exact {@code iss} value
 * @param jwksFile        keys from a local JWKS file, or
 * @param jwksUri         keys from a JWKS URL (fetched in the background)
 * @param audiences       the token's {@code aud} must contain one of these
 * @param algorithms      allowed JWS algorithms: asymmetric only ({@code none} and HMAC are refused at start-up)
 * @param maxLifetime     tokens whose {@code exp - iat} exceeds this are refused
 * @param clockSkew       tolerance for {@code exp}/{@code nbf}/{@code iat}
 * @param refreshInterval how often keys are refetched
 */
public record IssuerSettings(String issuer, Path jwksFile, URI jwksUri, List<String> audiences,
                             List<String> algorithms, Duration maxLifetime, Duration clockSkew,
                             Duration refreshInterval) {

    public IssuerSettings {
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        algorithms = algorithms == null || algorithms.isEmpty() ? List.of("ES256", "RS256", "PS256", "EdDSA")
                : List.copyOf(algorithms);
        maxLifetime = maxLifetime == null ? Duration.ofHours(24) : maxLifetime;
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        refreshInterval = refreshInterval == null ? Duration.ofMinutes(5) : refreshInterval;
    }
}
