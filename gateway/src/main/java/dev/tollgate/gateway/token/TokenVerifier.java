package dev.tollgate.gateway.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.support.ExpireAt;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies workload JWTs against the configured issuers: signature with an allowed asymmetric algorithm and a key
 * the issuer published (never one the token carries), then {@code iss}, {@code aud}, {@code exp}, {@code nbf},
 * {@code iat} and maximum lifetime. Synchronous and CPU-only: keys are already in memory. A verified token is
 * remembered (keyed by its SHA-256) until it expires, so a busy caller pays for one signature check, not one per
 * request.
 */
public final class TokenVerifier {

    /** JOSE headers that would let a token choose its own key: refused outright. */
    private static final Set<String> KEY_BEARING_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.copyOf(new java.util.ArrayList<JWSAlgorithm>() {{
            addAll(JWSAlgorithm.Family.RSA);
            addAll(JWSAlgorithm.Family.EC);
            add(JWSAlgorithm.EdDSA);
            add(JWSAlgorithm.Ed25519);
        }});
    /** The JWT-SVID profile allows no other JOSE header. */
    private static final Set<String> SIGNING_USES = Set.of(KeyUse.SIGNATURE.identifier(), "jwt-svid");
    private static final Set<String> JWT_SVID_HEADERS = Set.of("alg", "kid", "typ");

    private final Map<String, Issuer> issuers;
    private final JwsVerifiers verifiers;
    private final Cache<String, Remembered> verified;

    /** A verification remembered with the key that did it: it counts only while the issuer still publishes that key. */
    private record Remembered(VerifiedToken token, String kid, JWK key) {
    }

    /** An issuer's settings with its live keys. */
    public record Issuer(IssuerSettings settings, IssuerKeys keys, Set<JWSAlgorithm> algorithms) {
        public Issuer(IssuerSettings settings, IssuerKeys keys) {
            this(settings, keys, allowed(settings));
        }
    }

    public TokenVerifier(List<Issuer> issuers, long cacheSize) {
        this(issuers, cacheSize, new JwsVerifiers(SignatureProviders.select(List.of("auto")), 1_000));
    }

    public TokenVerifier(List<Issuer> issuers, long cacheSize, JwsVerifiers verifiers) {
        this.verifiers = verifiers;
        Map<String, Issuer> byIss = new HashMap<>();
        issuers.forEach(i -> byIss.put(i.settings().issuer(), i));
        this.issuers = Map.copyOf(byIss);
        this.verified = Caffeine.newBuilder().maximumSize(cacheSize)
                .expireAfter(new ExpireAt<String, Remembered>(r -> r.token().expiresAt(), java.time.Clock.systemUTC()))
                .build();
    }

    static Set<JWSAlgorithm> allowed(IssuerSettings settings) {
        Set<JWSAlgorithm> algs = new java.util.HashSet<>();
        for (String name : settings.algorithms()) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (!ASYMMETRIC.contains(alg)) {
                throw new IllegalArgumentException("issuer " + settings.issuer() + ": algorithm " + name
                        + " is not allowed (asymmetric algorithms only; none and HMAC are never accepted)");
            }
            algs.add(alg);
        }
        return Set.copyOf(algs);
    }

    public VerifiedToken verify(String compact, Instant now) {
        String hash = Sha256.hex(compact);
        Remembered remembered = verified.getIfPresent(hash);
        if (remembered != null) {
            VerifiedToken cached = remembered.token();
            Issuer issuer = issuers.get(cached.issuer());
            if (issuer != null && !issuer.keys().usable()) {
                throw new IssuerKeysUnavailableException(cached.issuer());
            }
            if (!now.isBefore(cached.expiresAt().plus(skewOf(cached.issuer())))) {
                verified.invalidate(hash);
                throw new TokenRejectedException("token.expired", "token has expired");
            }
            if (issuer != null && remembered.key().equals(publishedKey(issuer, remembered.kid()))) {
                return cached;
            }
            // The key was rotated out since: verify afresh, which refuses the token (or finds the key re-published).
            verified.invalidate(hash);
        }
        Remembered fresh = verifyUncached(compact, hash, now);
        verified.put(hash, fresh);
        return fresh.token();
    }

    private static JWK publishedKey(Issuer issuer, String kid) {
        return kid != null ? issuer.keys().key(kid) : issuer.keys().soleKey();
    }

    /** Forgets a remembered verification (revocation). */
    public void invalidate(String tokenHash) {
        verified.invalidate(tokenHash);
    }

    private Duration skewOf(String issuer) {
        Issuer i = issuers.get(issuer);
        return i == null ? Duration.ZERO : i.settings().clockSkew();
    }

    private Remembered verifyUncached(String compact, String hash, Instant now) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(compact);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | IllegalArgumentException e) {
            throw new TokenRejectedException("token.malformed", "token is not a well-formed signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        for (String name : KEY_BEARING_HEADERS) {
            if (header.toJSONObject().containsKey(name)) {
                throw new TokenRejectedException("token.header." + name, "token header '" + name + "' is not accepted");
            }
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new TokenRejectedException("token.header.crit", "token has critical headers that are not understood");
        }
        Issuer issuer = claims.getIssuer() == null ? null : issuers.get(claims.getIssuer());
        if (issuer == null) {
            throw new TokenRejectedException("token.issuer", "token issuer is not trusted");
        }
        if (!issuer.algorithms().contains(header.getAlgorithm())) {
            throw new TokenRejectedException("token.algorithm", "token algorithm is not allowed for this issuer");
        }
        IssuerSettings settings = issuer.settings();
        if (IssuerSettings.JWT_SVID.equals(settings.preset())) {
            checkJwtSvidHeader(header);
        }
        if (!issuer.keys().usable()) {
            throw new IssuerKeysUnavailableException(settings.issuer());
        }
        JWK jwk = publishedKey(issuer, header.getKeyID());
        if (jwk == null || !(jwk instanceof AsymmetricJWK) || jwk.isPrivate()) {
            throw new UnknownKeyException(issuer.keys());
        }
        // A key published for encryption, or for another algorithm, does not verify tokens (RFC 7517 4.2, 4.4).
        // A SPIFFE bundle marks its JWT authorities use: jwt-svid, which is a signing use too.
        if ((jwk.getKeyUse() != null && !SIGNING_USES.contains(jwk.getKeyUse().identifier()))
                || (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(header.getAlgorithm().getName()))) {
            throw new TokenRejectedException("token.key-mismatch", "the issuer's key is not for this algorithm or use");
        }
        try {
            // Remembered per issuer and key: the same key verifies every token the issuer signs with it.
            JWSVerifier verifier = verifiers.verifier(header.getAlgorithm(), jwk,
                    settings.issuer() + '|' + jwk.computeThumbprint());
            if (!jwt.verify(verifier)) {
                throw new TokenRejectedException("token.signature", "token signature is invalid");
            }
        } catch (JOSEException e) {
            throw new TokenRejectedException("token.signature", "token signature is invalid");
        }
        checkClaims(settings, claims, now);
        ClaimMapping.Mapped mapped = ClaimMapping.map(settings, claims);
        return new Remembered(new VerifiedToken(claims.getIssuer(), claims.getSubject(), claims.getAudience(),
                claims.getExpirationTime().toInstant(), claims.getJWTID(), hash, claims.getClaims(),
                confirmation(claims, "x5t#S256"), confirmation(claims, "jkt"), mapped.principal(), mapped.tenant(),
                mapped.attributes()), header.getKeyID(), jwk);
    }

    /** JWT-SVID profile: only {@code alg}, {@code kid} and {@code typ}; {@code typ}, if present, JWT or JOSE. */
    private static void checkJwtSvidHeader(JWSHeader header) {
        for (String name : header.toJSONObject().keySet()) {
            if (!JWT_SVID_HEADERS.contains(name)) {
                throw new TokenRejectedException("token.header.jwt-svid", "a JWT-SVID allows only alg, kid and typ"
                        + " headers");
            }
        }
        if (header.getType() != null && !Set.of("JWT", "JOSE").contains(header.getType().getType())) {
            throw new TokenRejectedException("token.header.typ", "a JWT-SVID's typ must be JWT or JOSE");
        }
    }

    /** The issuer of a (possibly unverified) token's settings, for the caller's subject mappings. */
    public IssuerSettings settingsOf(String issuer) {
        Issuer i = issuer == null ? null : issuers.get(issuer);
        return i == null ? null : i.settings();
    }

    private static void checkClaims(IssuerSettings s, JWTClaimsSet claims, Instant now) {
        Duration skew = s.clockSkew();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenRejectedException("token.exp-missing", "token has no expiry");
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw new TokenRejectedException("token.expired", "token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new TokenRejectedException("token.not-yet-valid", "token is not valid yet");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
            throw new TokenRejectedException("token.issued-in-future", "token is issued in the future");
        }
        Instant start = iat != null ? iat.toInstant() : nbf != null ? nbf.toInstant() : now;
        if (Duration.between(start, exp.toInstant()).compareTo(s.maxLifetime()) > 0) {
            throw new TokenRejectedException("token.lifetime", "token lifetime exceeds the issuer's maximum");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().noneMatch(s.audiences()::contains)) {
            throw new TokenRejectedException("token.audience", "token is not intended for this audience");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw new TokenRejectedException("token.subject", "token has no subject");
        }
    }

    private static String confirmation(JWTClaimsSet claims, String member) {
        Object cnf = claims.getClaim("cnf");
        if (cnf instanceof Map<?, ?> map && map.get(member) instanceof String value) {
            return value;
        }
        return null;
    }
}
