package dev.tollgate.gateway.dpop;

import dev.tollgate.gateway.authn.BearerChallenge;
import dev.tollgate.gateway.problem.RejectionKind;
import dev.tollgate.gateway.problem.RequestRejectedException;
import java.util.List;
import java.util.Map;

/**
 * RFC 9449 section 7.1 challenges: {@code WWW-Authenticate: DPoP algs="...", error="..."}. The {@code algs} list tells
 * a client which proof algorithms it may use. Descriptions are fixed strings: never echo client input.
 */
public final class DPoPChallenges {

    private final String algs;

    public DPoPChallenges(List<String> algorithms) {
        this.algs = String.join(" ", algorithms);
    }

    /** A challenge with an error ({@code invalid_dpop_proof}, {@code invalid_token}, {@code use_dpop_nonce}). */
    public String challenge(String error, String description) {
        return "DPoP realm=\"" + BearerChallenge.REALM + "\", algs=\"" + algs + "\", error=\"" + error
                + "\", error_description=\"" + description.replace('"', '\'') + "\"";
    }

    /** A challenge without an error: the request simply lacked DPoP credentials. */
    public String challenge() {
        return "DPoP realm=\"" + BearerChallenge.REALM + "\", algs=\"" + algs + "\"";
    }

    /** 401 {@code invalid_dpop_proof}. */
    public RequestRejectedException invalidProof(String code, String description) {
        return reject(code, "invalid_dpop_proof", description, Map.of());
    }

    /** 401 {@code invalid_token}: the access token does not fit DPoP (not bound, or bound to another key). */
    public RequestRejectedException invalidToken(String code, String description) {
        return reject(code, "invalid_token", description, Map.of());
    }

    /** 401 {@code use_dpop_nonce} with the nonce to use next. */
    public RequestRejectedException useNonce(String code, String description, String nonce) {
        return reject(code, "use_dpop_nonce", description, Map.of(DPoPNonces.HEADER, nonce));
    }

    private RequestRejectedException reject(String code, String error, String description, Map<String, String> headers) {
        return RequestRejectedException.unauthenticated(RejectionKind.UNAUTHENTICATED, code, description,
                List.of(challenge(error, description)), headers);
    }
}
