package dev.tollgate.gateway.token;

import dev.tollgate.policy.SpiffeId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One trusted token issuer ({@code tollgate.issuers.<name>}); every setting is in gateway/CONFIGURATION.md.
 *
 * @param issuer          the exact {@code iss} value
 * @param jwksFile        keys from a local JWKS file, or
 * @param jwksUri         keys from a JWKS URL (fetched in the background), or
 * @param discovery       keys found through OIDC discovery: {@code <issuer>/.well-known/openid-configuration}
 *                        names the {@code jwks_uri}; the document's {@code issuer} must equal {@link #issuer}, or
 * @param trustDomainKeys keys are {@link #trustDomain}'s JWT authorities ({@code jwt-svid} keys of its SPIFFE bundle)
 * @param audiences       the token's {@code aud} must contain one of these
 * @param algorithms      allowed JWS algorithms: asymmetric only ({@code none} and HMAC are refused at start-up)
 * @param maxLifetime     tokens whose {@code exp - iat} exceeds this are refused
 * @param clockSkew       tolerance for {@code exp}/{@code nbf}/{@code iat}
 * @param refreshInterval how often keys are refetched
 * @param unknownKidRefetchInterval an unknown {@code kid} triggers at most one refetch per this interval
 * @param maxKeyStaleness while the key source is down, cached keys serve this long after the last good fetch; then
 *                        the issuer's tokens meet the route's failure mode ({@code null}: no bound)
 * @param preset          {@code oidc} (default), {@code jwt-svid} or {@code kubernetes}: the checks and claim mapping
 *                        of a known kind of workload token
 * @param trustDomain     for {@code jwt-svid}: the SPIFFE trust domain whose IDs the issuer may assert; for
 *                        {@code kubernetes}: the trust domain of the SPIFFE IDs built from service accounts
 * @param trustDomains    for {@code oidc}: the trust domains whose SPIFFE IDs the principal claim may name; without
 *                        them, a SPIFFE ID principal is refused (an IdP names its own clients, not other workloads)
 * @param principalClaim  the claim that names the principal (default {@code sub})
 * @param tenant          the tenant of every principal this issuer vouches for (or take it from the trust domain of a
 *                        SPIFFE ID principal, or from {@code tenantClaim})
 * @param tenantClaim     a claim that names the tenant
 * @param subjectMappings token principal → the peer SPIFFE ID it may be presented with on mTLS + token routes
 * @param tokenTypes      the JOSE {@code typ} values the issuer's access tokens carry (e.g. {@code at+jwt}); the
 *                        header's {@code typ} must be one of them. Unset: any {@code typ} but the registered types of
 *                        JWTs that are never access tokens (DPoP proofs, logout and security event tokens, ...)
 * @param maxDelegationDepth how many actors an RFC 8693 {@code act} chain may name (default 4; 0 refuses delegated
 *                        tokens from this issuer)
 */
public record IssuerSettings(String issuer, Path jwksFile, URI jwksUri, Boolean discovery, Boolean trustDomainKeys,
                             List<String> audiences,
                             List<String> algorithms, Duration maxLifetime, Duration clockSkew,
                             Duration refreshInterval, Duration unknownKidRefetchInterval, Duration maxKeyStaleness,
                             String preset, String trustDomain, List<String> trustDomains,
                             String principalClaim, String tenant,
                             String tenantClaim, Map<String, String> subjectMappings, List<String> tokenTypes,
                             Integer maxDelegationDepth) {

    public static final String OIDC = "oidc";
    public static final String JWT_SVID = "jwt-svid";
    public static final String KUBERNETES = "kubernetes";

    public IssuerSettings {
        discovery = discovery != null && discovery;
        trustDomainKeys = trustDomainKeys != null && trustDomainKeys;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        algorithms = algorithms == null || algorithms.isEmpty() ? List.of("ES256", "RS256", "PS256", "EdDSA")
                : List.copyOf(algorithms);
        maxLifetime = maxLifetime == null ? Duration.ofHours(24) : maxLifetime;
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        refreshInterval = refreshInterval == null ? Duration.ofMinutes(5) : refreshInterval;
        unknownKidRefetchInterval = unknownKidRefetchInterval == null ? Duration.ofSeconds(30)
                : unknownKidRefetchInterval;
        requireAtLeast(issuer, "max-lifetime", maxLifetime, Duration.ofSeconds(1));
        requireAtLeast(issuer, "clock-skew", clockSkew, Duration.ZERO);
        requireAtLeast(issuer, "refresh-interval", refreshInterval, Duration.ofMillis(100));
        // The rate limit that keeps a flood of made-up kids from hammering the IdP: zero would be no limit.
        requireAtLeast(issuer, "unknown-kid-refetch-interval", unknownKidRefetchInterval, Duration.ofMillis(100));
        if (maxKeyStaleness != null) {
            requireAtLeast(issuer, "max-key-staleness", maxKeyStaleness, Duration.ofSeconds(1));
        }
        // Only where the issuer's own refresh-interval paces the fetches (a JWKS URL or discovery): trust-domain keys
        // follow their bundle's refresh, and a key file never goes stale.
        if (maxKeyStaleness != null && (jwksUri != null || discovery)
                && maxKeyStaleness.compareTo(refreshInterval) <= 0) {
            throw new IllegalArgumentException("issuer " + issuer + ": max-key-staleness (" + maxKeyStaleness
                    + ") must be longer than refresh-interval (" + refreshInterval + "), or healthy keys would go"
                    + " stale between two refreshes");
        }
        preset = preset == null || preset.isBlank() ? OIDC : preset.trim().toLowerCase(Locale.ROOT);
        if (!List.of(OIDC, JWT_SVID, KUBERNETES).contains(preset)) {
            throw new IllegalArgumentException("issuer " + issuer + ": preset must be oidc, jwt-svid or kubernetes");
        }
        if ((JWT_SVID.equals(preset) || trustDomainKeys) && (trustDomain == null || trustDomain.isBlank())) {
            throw new IllegalArgumentException("issuer " + issuer + ": preset jwt-svid and trust-domain-keys need"
                    + " trust-domain");
        }
        trustDomains = trustDomains == null ? List.of() : List.copyOf(trustDomains);
        if (!trustDomains.isEmpty() && !OIDC.equals(preset)) {
            throw new IllegalArgumentException("issuer " + issuer + ": trust-domains is for the oidc preset; "
                    + preset + " takes trust-domain");
        }
        principalClaim = principalClaim == null || principalClaim.isBlank() ? "sub" : principalClaim;
        subjectMappings = subjectMappings == null ? Map.of() : Map.copyOf(subjectMappings);
        subjectMappings.forEach((principal, peer) -> {
            try {
                SpiffeId.workload(peer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("issuer " + issuer + ": subject-mappings." + principal
                        + " must be a workload's SPIFFE ID: " + e.getMessage());
            }
        });
        tokenTypes = TokenTypes.allowList(tokenTypes, issuer);
        maxDelegationDepth = maxDelegationDepth == null ? 4 : maxDelegationDepth;
        if (maxDelegationDepth < 0 || maxDelegationDepth > ActorChain.HARD_LIMIT) {
            throw new IllegalArgumentException("issuer " + issuer + ": max-delegation-depth must be 0.."
                    + ActorChain.HARD_LIMIT);
        }
        if (!tokenTypes.isEmpty() && JWT_SVID.equals(preset)) {
            throw new IllegalArgumentException("issuer " + issuer + ": token-types is not for the jwt-svid preset,"
                    + " whose typ is JWT or JOSE (JWT-SVID §3)");
        }
        RemoteJson.requireSecure(jwksUri, "issuer " + issuer + ": jwks-uri");
        if (discovery && issuer != null) {
            RemoteJson.requireSecure(URI.create(issuer), "issuer " + issuer + ": with discovery, the issuer");
        }
        int sources = (jwksFile != null ? 1 : 0) + (jwksUri != null ? 1 : 0) + (discovery ? 1 : 0)
                + (trustDomainKeys ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("issuer " + issuer
                    + ": exactly one of jwks-file, jwks-uri, discovery: true or trust-domain-keys: true is required");
        }
    }

    private static void requireAtLeast(String issuer, String setting, Duration d, Duration floor) {
        if (d.compareTo(floor) < 0) {
            throw new IllegalArgumentException("issuer " + issuer + ": " + setting + " must be at least "
                    + (floor.isZero() ? "0" : floor.toMillis() + "ms") + ", was " + d
                    + (floor.isZero() ? "" : " (a bare number is read as milliseconds)"));
        }
    }

    /** The simplest issuer: a JWKS file or URL, default checks, principals that are SPIFFE IDs of trustDomains. */
    public static IssuerSettings of(String issuer, Path jwksFile, URI jwksUri, List<String> audiences,
                                    List<String> algorithms, Duration maxLifetime, Duration clockSkew,
                                    Duration refreshInterval, List<String> trustDomains) {
        return new IssuerSettings(issuer, jwksFile, jwksUri, null, null, audiences, algorithms, maxLifetime, clockSkew,
                refreshInterval, null, null, null, null, trustDomains, null, null, null, null, null, null);
    }
}
