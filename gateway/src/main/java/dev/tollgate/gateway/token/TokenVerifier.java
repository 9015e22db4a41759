package dev.tollgate.gateway.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.gateway.crypto.CompactJws;
import dev.tollgate.gateway.crypto.JwsRules;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.MalformedJwsException;
import dev.tollgate.gateway.crypto.Sha256;
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
 * remembered (keyed by its {@linkplain CompactJws#id() id}, with its signature) until it expires, so a busy caller pays
 * for one signature check, not one per request. Parsing is strict ({@link CompactJws}): one token has one spelling.
 */
public final class TokenVerifier {

    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.copyOf(new java.util.ArrayList<JWSAlgorithm>() {{
            addAll(JWSAlgorithm.Family.RSA);
            addAll(JWSAlgorithm.Family.EC);
            add(JWSAlgorithm.EdDSA);
            add(JWSAlgorithm.Ed25519);
        }});
    /** The JWT-SVID profile allows no other JOSE header. */
    private static final Set<String> JWT_SVID_HEADERS = Set.of("alg", "kid", "typ");

    private final Map<String, Issuer> issuers;
    private final JwsVerifiers verifiers;
    private final Cache<String, Remembered> verified;

    /** A verification remembered with the key that did it: it counts only while the issuer still publishes that key. */
    private record Remembered(VerifiedToken token, String kid, JWK key, String signature) {
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
        // Maintenance on the calling thread, as in DecisionCache: no common-pool wake-up per request.
        this.verified = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run)
                .expireAfter(new ExpireAt<String, Remembered>(r -> r.token().expiresAt(), java.time.Clock.systemUTC()))
                .recordStats()
                .build();
    }

    /** The verified-token cache, for its hit-ratio metrics ({@code cache.gets{cache=tollgate.tokens}}). */
    public Cache<String, ?> cache() {
        return verified;
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
        int signatureDot = compact.lastIndexOf('.');
        if (signatureDot <= 0) {
            throw new TokenRejectedException("token.malformed", "token is not a well-formed signed JWT");
        }
        // The hot path: a token verified before is found by its id, and its whole text must match what was verified
        // (that text passed the strict parse then, so it needs no second one now).
        String id = Sha256.hex(compact.substring(0, signatureDot));
        Remembered remembered = verified.getIfPresent(id);
        if (remembered != null && remembered.signature().length() == compact.length() - signatureDot - 1
                && compact.startsWith(remembered.signature(), signatureDot + 1)) {
            VerifiedToken cached = remembered.token();
            Issuer issuer = issuers.get(cached.issuer());
            if (issuer != null && !issuer.keys().usable()) {
                throw new IssuerKeysUnavailableException(cached.issuer());
            }
            if (!now.isBefore(cached.expiresAt().plus(skewOf(cached.issuer())))) {
                verified.invalidate(id);
                throw new TokenRejectedException("token.expired", "token has expired");
            }
            if (issuer != null && remembered.key().equals(publishedKey(issuer, remembered.kid()))) {
                return cached;
            }
            // The key was rotated out since: verify afresh, which refuses the token (or finds the key re-published).
            verified.invalidate(id);
        }
        // Anything else — including the same signing input with another signature, e.g. an ECDSA (r, n-s) — is parsed
        // strictly and verified afresh.
        Remembered fresh = verifyUncached(compact, id, now);
        verified.put(id, fresh);
        return fresh.token();
    }

    private static JWK publishedKey(Issuer issuer, String kid) {
        return kid != null ? issuer.keys().key(kid) : issuer.keys().soleKey();
    }

    /** Forgets a remembered verification (revocation), by token id. */
    public void invalidate(String tokenId) {
        verified.invalidate(tokenId);
    }

    private Duration skewOf(String issuer) {
        Issuer i = issuers.get(issuer);
        return i == null ? Duration.ZERO : i.settings().clockSkew();
    }

    private Remembered verifyUncached(String compact, String id, Instant now) {
        CompactJws jws;
        JWSHeader header;
        JWTClaimsSet claims;
        try {
            jws = CompactJws.parse(compact);
        } catch (MalformedJwsException e) {
            throw new TokenRejectedException("token.malformed", "token is not a well-formed signed JWT: "
                    + e.getMessage());
        }
        String refusedHeader = JwsRules.headerViolation(jws);
        if (refusedHeader != null) {
            throw new TokenRejectedException("token." + refusedHeader, "token header '"
                    + refusedHeader.substring("header.".length()) + "' is not accepted");
        }
        try {
            header = JWSHeader.parse(jws.header(), jws.encodedHeader());
            claims = jws.payload() == null ? null : JWTClaimsSet.parse(jws.payload());
        } catch (ParseException | RuntimeException e) {
            throw new TokenRejectedException("token.malformed", "token is not a well-formed signed JWT");
        }
        if (claims == null) {
            throw new TokenRejectedException("token.malformed", "token payload is not a JWT claims set");
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
            checkJwtSvidHeader(jws);
        } else {
            TokenTypes.check(jws.header().get("typ"), settings.tokenTypes(), jws.hasHeader("typ"));
        }
        if (!issuer.keys().usable()) {
            throw new IssuerKeysUnavailableException(settings.issuer());
        }
        JWK jwk = publishedKey(issuer, header.getKeyID());
        if (jwk == null || !(jwk instanceof AsymmetricJWK) || jwk.isPrivate()) {
            throw new UnknownKeyException(issuer.keys());
        }
        if (JwsRules.keyViolation(jwk, header.getAlgorithm()) != null) {
            throw new TokenRejectedException("token.key-mismatch", "the issuer's key is not for this algorithm or use");
        }
        try {
            // Remembered per issuer and key: the same key verifies every token the issuer signs with it.
            JWSVerifier verifier = verifiers.verifier(header.getAlgorithm(), jwk,
                    settings.issuer() + '|' + jwk.computeThumbprint());
            if (!verifier.verify(header, jws.signingInputBytes(), jws.signature())) {
                throw new TokenRejectedException("token.signature", "token signature is invalid");
            }
        } catch (JOSEException e) {
            throw new TokenRejectedException("token.signature", "token signature is invalid");
        }
        checkClaims(settings, claims, now);
        ClaimMapping.Mapped mapped = ClaimMapping.map(settings, claims);
        return new Remembered(new VerifiedToken(claims.getIssuer(), claims.getSubject(), claims.getAudience(),
                claims.getExpirationTime().toInstant(), claims.getJWTID(), id, claims.getClaims(),
                confirmation(claims, "x5t#S256"), confirmation(claims, "jkt"), mapped.principal(), mapped.tenant(),
                mapped.attributes(), ActorChain.of(claims.getClaims(), settings.maxDelegationDepth(),
                        actorTrustDomains(settings))),
                header.getKeyID(), jwk, jws.signature().toString());
    }

    /** The trust domains an issuer may name actors in: its own (jwt-svid, kubernetes) or those it was given (oidc). */
    private static Set<String> actorTrustDomains(IssuerSettings s) {
        Set<String> domains = new java.util.HashSet<>(s.trustDomains());
        if (s.trustDomain() != null) {
            domains.add(s.trustDomain());
        }
        return domains;
    }

    /** JWT-SVID profile: only {@code alg}, {@code kid} and {@code typ}; {@code typ}, if present, JWT or JOSE. */
    private static void checkJwtSvidHeader(CompactJws jws) {
        for (String name : jws.header().keySet()) {
            if (!JWT_SVID_HEADERS.contains(name)) {
                throw new TokenRejectedException("token.header.jwt-svid", "a JWT-SVID allows only alg, kid and typ"
                        + " headers");
            }
        }
        Object typ = jws.header().get("typ");
        if (jws.hasHeader("typ") && !(typ instanceof String t && Set.of("jwt", "jose").contains(TokenTypes.normalise(t)))) {
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
