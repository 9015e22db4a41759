package dev.tollgate.gateway.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Mints the demo issuer's workload tokens (what a cluster's OIDC issuer would hand a pod). */
public final class DemoTokens {

    public static final String ISSUER = "https://issuer.tollgate.demo";
    public static final String AUDIENCE = "tollgate";

    private DemoTokens() {
    }

    /** A token bound to a DPoP key ({@code cnf.jkt}, RFC 9449). */
    public static String mintDPoPBound(ECKey key, String subject, Duration lifetime, ECKey dpopKey) {
        Instant now = Instant.now();
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(ISSUER).subject(subject).audience(AUDIENCE)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("cnf", java.util.Map.of("jkt", dpopKey.toPublicJWK().computeThumbprint().toString()))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DPoP proof (RFC 9449) for one request: what a DPoP client signs before each call. */
    public static String proof(ECKey dpopKey, String method, String uri, String accessToken) {
        try {
            String ath = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(accessToken.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .type(new JOSEObjectType("dpop+jwt")).jwk(dpopKey.toPublicJWK()).build(),
                    new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).issueTime(new Date())
                            .claim("htm", method).claim("htu", uri).claim("ath", ath).build());
            jwt.sign(new ECDSASigner(dpopKey));
            return jwt.serialize();
        } catch (JOSEException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String mint(ECKey key, String subject, Duration lifetime) {
        return mint(key, subject, lifetime, java.util.List.of(AUDIENCE));
    }

    /** A token for the given audiences (an MCP server's resource identifier, RFC 8707). */
    public static String mint(ECKey key, String subject, Duration lifetime, java.util.List<String> audiences) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject(subject).audience(audiences)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
