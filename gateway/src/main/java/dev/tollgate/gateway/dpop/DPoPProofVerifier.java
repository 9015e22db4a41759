package dev.tollgate.gateway.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.gateway.crypto.CompactJws;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.Sha256;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The stateless checks of a DPoP proof, RFC 9449 section 4.3 and section 7.1: one well-formed JWS of type
 * {@code dpop+jwt}, an allowed asymmetric algorithm, a public {@code jwk} that verifies the signature, {@code htm} and
 * {@code htu} of this request, {@code iat} within the window, a bounded {@code jti}, the server nonce where the route
 * asks for one, {@code ath} the hash of the presented access token, and the token bound ({@code cnf.jkt}) to the
 * proof's key. The replay check on {@code jti} is left to the caller: it needs the shared store and is reactive.
 * <p>
 * Cheap checks run before the signature, so a flood of stale or misdirected proofs costs no public-key operation.
 * Built on Nimbus's JOSE types; not on the OAuth SDK's {@code DPoPProtectedResourceRequestVerifier}, whose replay
 * check is blocking and which rejects EdDSA.
 */
public final class DPoPProofVerifier {

    static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

    private final DPoPSettings settings;
    private final Set<JWSAlgorithm> algorithms;
    private final JwsVerifiers verifiers;
    private final DPoPNonces nonces;
    private final DPoPChallenges challenges;

    public DPoPProofVerifier(DPoPSettings settings, JwsVerifiers verifiers, DPoPNonces nonces) {
        this.settings = settings;
        this.verifiers = verifiers;
        this.nonces = nonces;
        this.challenges = new DPoPChallenges(settings.algorithms());
        Set<JWSAlgorithm> algs = new HashSet<>();
        for (String name : settings.algorithms()) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (!JWSAlgorithm.Family.SIGNATURE.contains(alg) && !JWSAlgorithm.Ed25519.equals(alg)) {
                throw new IllegalArgumentException("tollgate.dpop.algorithms: " + name
                        + " is not an asymmetric signature algorithm (none and HMAC are never accepted)");
            }
            algs.add(alg);
        }
        this.algorithms = Set.copyOf(algs);
    }

    public DPoPChallenges challenges() {
        return challenges;
    }

    public DPoPNonces nonces() {
        return nonces;
    }

    /**
     * Checks the proof(s) sent with one request.
     *
     * @param proofs        every {@code DPoP} header value of the request
     * @param method        the request method
     * @param uri           the URI the client addressed (before any rewrite); query and fragment are ignored
     * @param accessToken   the presented access token
     * @param tokenJkt      the token's {@code cnf.jkt}
     * @param nonceRequired whether the route demands a server nonce
     * @throws dev.tollgate.gateway.problem.RequestRejectedException 401 with a DPoP challenge
     */
    public DPoPProof verify(List<String> proofs, String method, URI uri, String accessToken, String tokenJkt,
                            boolean nonceRequired, Instant now) {
        return check(proofs, method, uri, accessToken, tokenJkt, nonceRequired, now).verify();
    }

    /**
     * The checks of {@link #verify} that need no public-key operation; the signature and what follows it are left to
     * {@link Signed#verify()}, so a caller can verify the signatures of several requests together.
     *
     * @throws dev.tollgate.gateway.problem.RequestRejectedException 401 with a DPoP challenge
     */
    public Signed check(List<String> proofs, String method, URI uri, String accessToken, String tokenJkt,
                        boolean nonceRequired, Instant now) {
        if (proofs == null || proofs.isEmpty()) {
            throw challenges.invalidProof("dpop.missing", "a DPoP proof is required");
        }
        if (proofs.size() > 1) {
            throw challenges.invalidProof("dpop.multiple", "exactly one DPoP header is allowed");
        }
        String compact = proofs.get(0);
        if (compact.length() > settings.maxProofBytes()) {
            throw challenges.invalidProof("dpop.too-large", "the DPoP proof is too large");
        }
        CompactJws jws;
        JWSHeader header;
        JWTClaimsSet claims;
        JwsVerifiers.PublicJwk key;
        try {
            // Strict: one proof has one spelling (RFC 7515 section 2), and no duplicate members.
            jws = CompactJws.parse(compact);
            if (jws.hasHeader("crit")) {
                throw challenges.invalidProof("dpop.crit", "the DPoP proof has critical headers that are not understood");
            }
            // The header without its key, which is parsed (and remembered) apart: the same key comes in every proof.
            Object jwkMember = jws.header().get("jwk");
            Map<String, Object> rest = jws.header();
            if (rest.containsKey("jwk")) {
                rest = new LinkedHashMap<>(rest);
                rest.remove("jwk");
            }
            header = JWSHeader.parse(rest, jws.encodedHeader());
            key = jwkMember == null ? null : verifiers.publicJwk(jwkMember);
            claims = JWTClaimsSet.parse(jws.payload());
        } catch (ParseException | IllegalArgumentException e) {
            throw challenges.invalidProof("dpop.malformed", "the DPoP proof is not a well-formed signed JWT");
        }
        if (!DPOP_JWT.equals(header.getType())) {
            throw challenges.invalidProof("dpop.typ", "the DPoP proof's typ must be dpop+jwt");
        }
        if (!algorithms.contains(header.getAlgorithm())) {
            throw challenges.invalidProof("dpop.algorithm", "the DPoP proof's algorithm is not accepted");
        }
        if (key == null) {
            throw challenges.invalidProof("dpop.jwk-missing", "the DPoP proof carries no jwk");
        }
        checkClaims(claims, method, uri, now);
        String jti = jti(claims);
        if (nonceRequired) {
            checkNonce(claims);
        }
        return new Signed(jws, header, claims, key, jti, accessToken, tokenJkt);
    }

    /** A proof whose other checks passed, and whose signature, {@code ath} and key binding remain. */
    public final class Signed {

        private final CompactJws jws;
        private final JWSHeader header;
        private final JWTClaimsSet claims;
        private final JwsVerifiers.PublicJwk key;
        private final String jti;
        private final String accessToken;
        private final String tokenJkt;

        private Signed(CompactJws jws, JWSHeader header, JWTClaimsSet claims, JwsVerifiers.PublicJwk key, String jti,
                       String accessToken, String tokenJkt) {
            this.jws = jws;
            this.header = header;
            this.claims = claims;
            this.key = key;
            this.jti = jti;
            this.accessToken = accessToken;
            this.tokenJkt = tokenJkt;
        }

        /**
         * The signature, then {@code ath} and the token's binding to the proof's key.
         *
         * @throws dev.tollgate.gateway.problem.RequestRejectedException 401 with a DPoP challenge
         */
        public DPoPProof verify() {
            String jkt = key.thumbprint();
            try {
                if (!verifiers.verifier(header.getAlgorithm(), key.jwk(), jkt).verify(header, jws.signingInputBytes(),
                        jws.signature())) {
                    throw challenges.invalidProof("dpop.signature", "the DPoP proof's signature is invalid");
                }
            } catch (JOSEException e) {
                throw challenges.invalidProof("dpop.signature", "the DPoP proof's signature is invalid");
            }
            checkAccessTokenHash(claims, accessToken);
            if (tokenJkt == null) {
                throw challenges.invalidToken("dpop.token-not-bound", "the access token is not DPoP-bound");
            }
            if (!tokenJkt.equals(jkt)) {
                throw challenges.invalidToken("dpop.jkt-mismatch", "the access token is bound to a different key");
            }
            Instant iat = claims.getIssueTime().toInstant();
            return new DPoPProof(jti, jkt, iat, replayKey(jkt, jti));
        }
    }

    private void checkClaims(JWTClaimsSet claims, String method, URI uri, Instant now) {
        if (!method.equals(string(claims, "htm"))) {
            throw challenges.invalidProof("dpop.htm", "the DPoP proof's htm does not match the request method");
        }
        String htu = string(claims, "htu");
        String addressed = normalise(effectiveUri(uri));
        // A client that sends the URI in its normal form (most do) is matched without parsing what it sent.
        if (htu == null || !htu.equals(addressed) && !normalise(htu).equals(addressed)) {
            throw challenges.invalidProof("dpop.htu", "the DPoP proof's htu does not match the request URI");
        }
        if (claims.getIssueTime() == null) {
            throw challenges.invalidProof("dpop.iat-missing", "the DPoP proof has no iat");
        }
        Instant iat = claims.getIssueTime().toInstant();
        if (iat.isAfter(now.plus(settings.clockSkew()))) {
            throw challenges.invalidProof("dpop.iat-future", "the DPoP proof is issued in the future");
        }
        if (iat.isBefore(now.minus(settings.proofMaxAge()).minus(settings.clockSkew()))) {
            throw challenges.invalidProof("dpop.iat-expired", "the DPoP proof is too old");
        }
    }

    private String jti(JWTClaimsSet claims) {
        String jti = string(claims, "jti");
        if (jti == null || jti.isBlank() || jti.length() > settings.maxJtiLength()) {
            throw challenges.invalidProof("dpop.jti", "the DPoP proof needs a jti of at most "
                    + settings.maxJtiLength() + " characters");
        }
        return jti;
    }

    private void checkNonce(JWTClaimsSet claims) {
        String nonce = string(claims, "nonce");
        if (!nonces.valid(nonce)) {
            throw challenges.useNonce(nonce == null ? "dpop.nonce-missing" : "dpop.nonce-invalid",
                    "use the DPoP-Nonce the server provided", nonces.current());
        }
    }

    private void checkAccessTokenHash(JWTClaimsSet claims, String accessToken) {
        String ath = string(claims, "ath");
        if (ath == null) {
            throw challenges.invalidProof("dpop.ath-missing", "the DPoP proof has no ath");
        }
        String expected = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Sha256.digest(accessToken.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        if (!java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                ath.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            throw challenges.invalidProof("dpop.ath", "the DPoP proof's ath does not match the access token");
        }
    }

    /** The request URI as the client addressed it: behind a trusted proxy, the configured external origin. */
    private URI effectiveUri(URI uri) {
        URI external = settings.externalUri();
        if (external == null) {
            return uri;
        }
        try {
            return new URI(external.getScheme(), null, external.getHost(), external.getPort(), uri.getRawPath(), null,
                    null);
        } catch (URISyntaxException e) {
            return uri;
        }
    }

    /**
     * RFC 3986 syntax-based normalisation of what {@code htu} is compared on: lowercase scheme and host, the default
     * port dropped, an empty path as {@code /}, query and fragment ignored (RFC 9449 section 4.3, check 9).
     */
    static String normalise(String uri) {
        try {
            return normalise(new URI(uri));
        } catch (URISyntaxException e) {
            return "\u0000invalid"; // never equal to a request URI
        }
    }

    static String normalise(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (port == 443 && "https".equals(scheme) || port == 80 && "http".equals(scheme)) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme + "://" + host + (port == -1 ? "" : ":" + port) + path;
    }

    private static String string(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String s ? s : null;
    }

    /** A fixed-size store key, scoped to the proof's key so one client's jti cannot block another's. */
    static String replayKey(String jkt, String jti) {
        byte[] digest = Sha256.digest((jkt + '.' + jti).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18));
    }
}
