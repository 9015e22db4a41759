package dev.tollgate.gateway.authn;

import dev.tollgate.gateway.identity.SpiffeId;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.gateway.problem.RejectionKind;
import dev.tollgate.gateway.problem.RequestRejectedException;
import dev.tollgate.gateway.route.CredentialRequirement;
import dev.tollgate.gateway.route.RouteSecurity;
import dev.tollgate.gateway.token.Sha256;
import dev.tollgate.gateway.token.TokenRejectedException;
import dev.tollgate.gateway.token.TokenVerifier;
import dev.tollgate.gateway.token.VerifiedToken;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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

    private final Supplier<TrustDomains> trustDomains;
    private final TokenVerifier tokens;
    private final Clock clock;
    private final int maxTokenBytes;

    public WorkloadAuthenticator(Supplier<TrustDomains> trustDomains, TokenVerifier tokens, Clock clock,
                                 int maxTokenBytes) {
        this.trustDomains = trustDomains;
        this.tokens = tokens;
        this.clock = clock;
        this.maxTokenBytes = maxTokenBytes;
    }

    @Override
    public Mono<Authentication> authenticate(ServerWebExchange exchange, RouteSecurity route) {
        return Mono.fromSupplier(() -> authenticateNow(exchange.getRequest(), route.requires()));
    }

    Authentication authenticateNow(ServerHttpRequest request, CredentialRequirement requires) {
        X509Certificate peer = peerCertificate(request.getSslInfo());
        SpiffeId peerId = null;
        if (peer != null) {
            // The handshake validated the chain; here we only read the identity it carries.
            peerId = SpiffeId.fromCertificate(peer);
        } else if (requires.mtls()) {
            throw unauthenticated("mtls.missing", "a client certificate (X.509-SVID) is required");
        }
        String compact = bearerToken(request);
        if (compact == null && requires.token()) {
            throw unauthenticated("token.missing", "a workload token is required");
        }
        Instant now = clock.instant();
        VerifiedToken token = null;
        if (compact != null) {
            try {
                token = tokens.verify(compact, now);
            } catch (TokenRejectedException e) {
                throw e.malformedRequest()
                        ? RequestRejectedException.unauthenticated(RejectionKind.BAD_REQUEST, e.reason(),
                                e.getMessage(), BearerChallenge.of("invalid_request", e.getMessage()))
                        : unauthenticated(e.reason(), e.getMessage());
            }
        }
        String x5t = peer == null ? null : thumbprint(peer);
        if (token != null && token.cnfX5tS256() != null && !token.cnfX5tS256().equals(x5t)) {
            throw unauthenticated("token.cnf-x5t", "token is bound to a different client certificate");
        }
        if (requires.certBound() && (token == null || token.cnfX5tS256() == null)) {
            throw unauthenticated("token.not-cert-bound", "token must be bound to the client certificate");
        }
        if (token != null && token.cnfJkt() != null && !requires.dpop()) {
            throw unauthenticated("token.dpop-bound", "a DPoP-bound token cannot be used as a bearer token here");
        }
        if (peerId != null && token != null && !peerId.toString().equals(token.subject())) {
            throw unauthenticated("binding.subject-mismatch", "token subject does not match the client certificate");
        }
        return principal(peerId, token, x5t, now);
    }

    private Authentication principal(SpiffeId peerId, VerifiedToken token, String x5t, Instant now) {
        EnumSet<CredentialKind> proven = EnumSet.noneOf(CredentialKind.class);
        String id;
        if (peerId != null) {
            proven.add(CredentialKind.MTLS);
            id = peerId.toString();
        } else {
            id = token.subject();
        }
        if (token != null) {
            proven.add(CredentialKind.JWT);
            if (token.cnfX5tS256() != null) {
                proven.add(CredentialKind.CERT_BOUND);
            }
        }
        String trustDomain = trustDomainOf(id);
        TrustDomains.TrustDomain domain = trustDomain == null ? null : trustDomains.get().get(trustDomain);
        String tenant = domain == null ? null : domain.tenant();
        Map<String, Object> claims = token == null ? Map.of() : safeClaims(token.claims());
        Principal principal = new Principal(id, trustDomain, tenant, token == null ? null : token.issuer(), claims,
                proven);
        Instant expiry = token == null ? null : token.expiresAt();
        return new Authentication(principal, token == null ? null : token.tokenHash(),
                token == null ? null : token.jti(), token == null ? null : token.cnfJkt(), x5t, expiry);
    }

    /** Claims handed to policy: everything but the registered ones that identify the token itself. */
    private static Map<String, Object> safeClaims(Map<String, Object> claims) {
        Map<String, Object> out = new java.util.HashMap<>(claims);
        out.keySet().removeAll(List.of("jti", "cnf"));
        out.replaceAll((k, v) -> v instanceof java.util.Date d ? d.toInstant().getEpochSecond() : v);
        return out;
    }

    private static String trustDomainOf(String id) {
        try {
            return SpiffeId.parse(id).trustDomain();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String bearerToken(ServerHttpRequest request) {
        List<String> values = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw badRequest("token.multiple", "exactly one Authorization header is allowed");
        }
        String value = values.get(0);
        if (value.length() > maxTokenBytes + 7) {
            throw badRequest("token.too-large", "the Authorization header is too large");
        }
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = value.substring(7).trim();
            if (token.isEmpty() || token.indexOf(' ') >= 0) {
                throw badRequest("token.malformed-header", "malformed Authorization header");
            }
            return token;
        }
        throw unauthenticated("token.scheme", "the Authorization scheme must be Bearer");
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

    private static RequestRejectedException unauthenticated(String code, String description) {
        return RequestRejectedException.unauthenticated(RejectionKind.UNAUTHENTICATED, code, description,
                BearerChallenge.of("invalid_token", description));
    }

    private static RequestRejectedException badRequest(String code, String description) {
        return RequestRejectedException.unauthenticated(RejectionKind.BAD_REQUEST, code, description,
                BearerChallenge.of("invalid_request", description));
    }
}
