package dev.tollgate.gateway.authn;

import dev.tollgate.gateway.dpop.DPoPChallenges;
import dev.tollgate.gateway.dpop.DPoPMode;
import dev.tollgate.gateway.dpop.DPoPProofVerifier;
import dev.tollgate.gateway.dpop.DPoPReplayGuard;
import dev.tollgate.policy.SpiffeId;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.gateway.problem.RejectionKind;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.route.CredentialRequirement;
import dev.tollgate.gateway.route.RouteSecurity;
import dev.tollgate.gateway.support.EndOfPass;
import dev.tollgate.gateway.token.IssuerKeysUnavailableException;
import dev.tollgate.gateway.token.IssuerSettings;
import dev.tollgate.gateway.crypto.Sha256;
import dev.tollgate.gateway.token.UnknownKeyException;
import dev.tollgate.gateway.token.TokenRejectedException;
import dev.tollgate.gateway.token.TokenVerifier;
import dev.tollgate.gateway.token.VerifiedToken;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
import java.net.URI;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Authenticates a request as its route requires and binds the credentials into one principal:
 * the peer's X.509-SVID (already chain-checked in the TLS handshake), the workload token, and — where both are
 * present — their agreement (the token's subject is the peer's SPIFFE ID; a certificate-bound token's
 * {@code cnf.x5t#S256} is the peer certificate's thumbprint).
 */
public final class WorkloadAuthenticator implements Authenticator {

    static final String DPOP_HEADER = "DPoP";

    private final Supplier<TrustDomains> trustDomains;
    private final TokenVerifier tokens;
    private final Clock clock;
    private final int maxTokenBytes;
    private final DPoPProofVerifier proofs;
    private final DPoPReplayGuard replays;
    private final EndOfPass endOfPass;
    private final PeerCertificates peers = new PeerCertificates();

    public WorkloadAuthenticator(Supplier<TrustDomains> trustDomains, TokenVerifier tokens, Clock clock,
                                 int maxTokenBytes, DPoPProofVerifier proofs, DPoPReplayGuard replays,
                                 EndOfPass endOfPass) {
        this.trustDomains = trustDomains;
        this.tokens = tokens;
        this.clock = clock;
        this.maxTokenBytes = maxTokenBytes;
        this.proofs = proofs;
        this.replays = replays;
        this.endOfPass = endOfPass;
    }

    @Override
    public Mono<Authentication> authenticate(ServerWebExchange exchange, RouteSecurity route) {
        return Mono.fromSupplier(() -> authenticateNow(exchange, route, true))
                // A kid we do not know: the issuer may have rotated. One rate-limited refetch, then one more try.
                .onErrorResume(UnknownKeyException.class, e -> e.keys().refetchForUnknownKid()
                        .flatMap(refetched -> refetched
                                ? Mono.fromSupplier(() -> authenticateNow(exchange, route, false))
                                : Mono.error(unauthenticated(route, e.reason(), e.getMessage()))))
                .flatMap(verified -> {
            Authentication a = verified.authentication();
            if (verified.proof() == null) {
                exchange.getAttributes().put(IDENTIFIED_ATTR, a);
                return Mono.just(a);
            }
            // The proof's signature together with the pass's other proofs (EndOfPass), then the only remote step of
            // authentication: has any instance seen this proof before?
            return endOfPass.run(verified.proof()::verify).flatMap(proof -> {
                exchange.getAttributes().put(IDENTIFIED_ATTR, a);
                return replays.check(proof, route.failureMode(), exchange.getRequest().getMethod().name(),
                        a.principal().id()).map(taken -> taken.map(a::withFallback).orElse(a));
            });
        });
    }

    /** Credentials checked, with the DPoP proof whose signature and replay check remain ({@code null} without DPoP). */
    record Verified(Authentication authentication, DPoPProofVerifier.Signed proof) {
    }

    Verified authenticateNow(ServerWebExchange exchange, RouteSecurity route, boolean mayRefetchKeys) {
        ServerHttpRequest request = exchange.getRequest();
        CredentialRequirement requires = route.requires();
        X509Certificate peer = peerCertificate(request.getSslInfo());
        PeerCertificates.Peer peerId = null;
        String x5t = null;
        if (peer != null) {
            // The handshake validated the chain; here we only read the identity it carries.
            peerId = peers.of(peer);
            x5t = peerId.x5t();
        } else if (requires.mtls()) {
            String description = "a client certificate (X.509-SVID) is required";
            throw request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
                    ? unauthenticated(route, "mtls.missing", description)
                    : noCredentials(route, "mtls.missing", description);
        }
        Credential credential = credential(request, route);
        if (credential == null && (requires.token() || route.dpop() == DPoPMode.REQUIRED)) {
            throw noCredentials(route, "token.missing", "a workload token is required");
        }
        Instant now = clock.instant();
        VerifiedToken token = null;
        if (credential != null) {
            try {
                token = tokens.verify(credential.token(), now);
            } catch (IssuerKeysUnavailableException e) {
                throw RequestRejectedException.unavailable("dependency.issuer-keys",
                        "the token issuer's keys cannot be confirmed current; try again shortly",
                        route.failureMode().retryAfter());
            } catch (UnknownKeyException e) {
                if (mayRefetchKeys) {
                    throw e;
                }
                throw unauthenticated(route, e.reason(), e.getMessage());
            } catch (TokenRejectedException e) {
                throw e.malformedRequest() ? badRequest(route, e.reason(), e.getMessage())
                        : unauthenticated(route, e.reason(), e.getMessage());
            }
        }
        if (token != null && route.mcp() != null && route.mcp().resource() != null
                && (token.audience() == null || !token.audience().contains(route.mcp().resource().toString()))) {
            // RFC 8707 / MCP authorization: a token minted for another MCP server (another resource) is refused.
            throw unauthenticated(route, "token.audience.resource", "the token was not issued for this MCP server");
        }
        if (token != null && token.cnfX5tS256() != null && !token.cnfX5tS256().equals(x5t)) {
            throw unauthenticated(route, "token.cnf-x5t", "token is bound to a different client certificate");
        }
        if (requires.certBound() && (token == null || token.cnfX5tS256() == null)) {
            throw unauthenticated(route, "token.not-cert-bound", "token must be bound to the client certificate");
        }
        DPoPProofVerifier.Signed proof = credential == null ? null
                : senderConstraint(exchange, route, credential, token, now);
        if (token != null && !token.actors().isEmpty() && peerId == null && proof == null) {
            // A delegated token names who acts; only a sender constraint shows that it is that actor presenting it.
            throw unauthenticated(route, "token.act.unbound", "a delegated token must be presented by its actor over"
                    + " mTLS or with a DPoP proof");
        }
        if (peerId != null && token != null && !boundTo(peerId, token)) {
            throw unauthenticated(route, "binding.subject-mismatch",
                    "token subject does not match the client certificate");
        }
        return new Verified(principal(peerId, token, x5t, proof != null), proof);
    }

    /**
     * RFC 9449: with the DPoP scheme, the proof's checks that need no public-key operation run here, and it is
     * returned for its signature and replay check; with Bearer, a route that requires DPoP refuses, and a DPoP-bound
     * token is refused everywhere (without its proof it is just a bearer token a thief could use).
     */
    private DPoPProofVerifier.Signed senderConstraint(ServerWebExchange exchange, RouteSecurity route,
                                                      Credential credential, VerifiedToken token, Instant now) {
        DPoPChallenges challenges = proofs.challenges();
        if (credential.dpop()) {
            ServerHttpRequest request = exchange.getRequest();
            return proofs.check(request.getHeaders().get(DPOP_HEADER), request.getMethod().name(),
                    addressedUri(exchange), credential.token(), token.cnfJkt(), route.dpopNonce(), now);
        }
        if (route.dpop() == DPoPMode.REQUIRED) {
            throw challenges.invalidToken("dpop.required", "this route requires a DPoP-bound token and proof");
        }
        if (token.cnfJkt() != null) {
            String description = "a DPoP-bound token cannot be used as a bearer token";
            throw route.dpop().accepted() ? challenges.invalidToken("token.dpop-bound", description)
                    : unauthenticated(route, "token.dpop-bound", description);
        }
        return null;
    }

    /**
     * The token's principal is the peer's SPIFFE ID, or the issuer's {@code subject-mappings} declare that this token
     * principal may come over this peer's connection.
     */
    private boolean boundTo(PeerCertificates.Peer peerId, VerifiedToken token) {
        String peer = peerId.uri();
        if (!token.actors().isEmpty()) {
            // A delegated token is presented by its current actor (RFC 8693 act), not by the subject it acts for —
            // exactly that actor (no subject mapping), so revoking the peer's workload revokes the actor.
            return peer.equals(token.actors().get(0));
        }
        String presenter = token.principal();
        if (peer.equals(presenter)) {
            return true;
        }
        IssuerSettings settings = tokens.settingsOf(token.issuer());
        return settings != null && peer.equals(settings.subjectMappings().get(presenter));
    }

    /** The URI the client addressed: before any RewritePath that ran ahead of this filter. */
    private static URI addressedUri(ServerWebExchange exchange) {
        Set<URI> originals = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        return originals != null && !originals.isEmpty() ? originals.iterator().next() : exchange.getRequest().getURI();
    }

    private Authentication principal(PeerCertificates.Peer peerId, VerifiedToken token, String x5t, boolean dpopProven) {
        boolean delegated = token != null && !token.actors().isEmpty();
        int proven = (peerId != null ? ProvenCredentials.bit(CredentialKind.MTLS) : 0)
                | (token != null ? ProvenCredentials.bit(CredentialKind.JWT) : 0)
                | (token != null && token.cnfX5tS256() != null ? ProvenCredentials.bit(CredentialKind.CERT_BOUND) : 0)
                | (token != null && dpopProven ? ProvenCredentials.bit(CredentialKind.DPOP) : 0);
        // A delegated call's principal is the subject acted for; the peer (if any) is its current actor.
        boolean peerIsPrincipal = peerId != null && !delegated;
        String id = peerIsPrincipal ? peerId.uri() : token.principal();
        String trustDomain = peerIsPrincipal ? peerId.id().trustDomain() : trustDomainOf(id);
        TrustDomains.TrustDomain domain = trustDomain == null ? null : trustDomains.get().get(trustDomain);
        String tenant = domain == null ? null : domain.tenant();
        if ((peerId == null || delegated) && token != null && token.tenant() != null) {
            tenant = token.tenant();
        }
        // Immutable and derived once per verified token: the Principal keeps them as they are, without copying.
        Map<String, Object> claims = token == null ? Map.of() : token.policyClaims();
        Principal principal = new Principal(id, trustDomain, tenant, token == null ? null : token.issuer(), claims,
                ProvenCredentials.of(proven), token == null ? List.of() : token.actors());
        Instant expiry = token == null ? null : token.expiresAt();
        return new Authentication(principal, token == null ? null : token.tokenId(),
                token == null ? null : token.jti(), token == null ? null : token.cnfJkt(), x5t, expiry);
    }

    private static String trustDomainOf(String id) {
        try {
            return SpiffeId.workload(id).trustDomain();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The access token and how it was presented ({@code Bearer} or {@code DPoP}). */
    record Credential(String token, boolean dpop) {
    }

    private Credential credential(ServerHttpRequest request, RouteSecurity route) {
        List<String> values = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw badRequest(route, "token.multiple", "exactly one Authorization header is allowed");
        }
        String value = values.get(0);
        if (value.length() > maxTokenBytes + 7) {
            throw badRequest(route, "token.too-large", "the Authorization header is too large");
        }
        boolean bearer = value.regionMatches(true, 0, "Bearer ", 0, 7);
        boolean dpop = !bearer && value.regionMatches(true, 0, "DPoP ", 0, 5);
        if (!bearer && !dpop) {
            throw unauthenticated(route, "token.scheme", route.dpop().accepted()
                    ? "the Authorization scheme must be Bearer or DPoP" : "the Authorization scheme must be Bearer");
        }
        if (dpop && !route.dpop().accepted()) {
            throw unauthenticated(route, "dpop.disabled", "the DPoP scheme is not accepted on this route");
        }
        String token = value.substring(bearer ? 7 : 5).trim();
        if (token.isEmpty() || token.indexOf(' ') >= 0) {
            throw badRequest(route, "token.malformed-header", "malformed Authorization header");
        }
        return new Credential(token, dpop);
    }

    private static X509Certificate peerCertificate(SslInfo ssl) {
        if (ssl == null || ssl.getPeerCertificates() == null || ssl.getPeerCertificates().length == 0) {
            return null;
        }
        return ssl.getPeerCertificates()[0];
    }

    /** RFC 8705 {@code x5t#S256}: base64url SHA-256 of the DER certificate. */
    public static String thumbprint(X509Certificate certificate) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * 401 with the challenges of every scheme the route accepts: Bearer unless DPoP is required, DPoP (with the
     * accepted proof algorithms) unless it is disabled.
     */
    private RequestRejectedException unauthenticated(RouteSecurity route, String code, String description) {
        return RequestRejectedException.unauthenticated(RejectionKind.UNAUTHENTICATED, code, description,
                challenges(route, "invalid_token", description), Map.of());
    }

    /**
     * 401 for a request that carried no credentials at all: the challenges name the schemes and no {@code error}
     * (RFC 6750 3.1: "If the request lacks any authentication information ... SHOULD NOT include an error code").
     */
    private RequestRejectedException noCredentials(RouteSecurity route, String code, String description) {
        return RequestRejectedException.unauthenticated(RejectionKind.UNAUTHENTICATED, code, description,
                challenges(route, null, description), Map.of());
    }

    /** 400 {@code invalid_request}, challenging with the schemes the route accepts (a DPoP-only route: DPoP only). */
    private RequestRejectedException badRequest(RouteSecurity route, String code, String description) {
        return RequestRejectedException.unauthenticated(RejectionKind.BAD_REQUEST, code, description,
                challenges(route, "invalid_request", description), Map.of());
    }

    private List<String> challenges(RouteSecurity route, String error, String description) {
        List<String> challenges = new ArrayList<>(2);
        if (route.dpop() != DPoPMode.REQUIRED) {
            challenges.add(error == null ? BearerChallenge.of() : BearerChallenge.of(error, description));
        }
        if (route.dpop().accepted()) {
            challenges.add(error == null ? proofs.challenges().challenge()
                    : proofs.challenges().challenge(error, description));
        }
        String metadata = route.mcp() == null ? null : route.mcp().metadataUrl();
        if (metadata != null) {
            // RFC 9728 section 5.1: where the client finds the authorization servers for this resource.
            challenges.replaceAll(c -> c + ", resource_metadata=\"" + metadata + "\"");
        }
        return challenges;
    }
}
