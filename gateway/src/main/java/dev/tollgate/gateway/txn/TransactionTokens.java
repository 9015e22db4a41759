package dev.tollgate.gateway.txn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.policy.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mints transaction tokens (IETF draft-ietf-oauth-transaction-tokens): a short-lived JWT, {@code typ: txntoken+jwt},
 * that replaces the inbound credential on the way to the upstream, so the upstream verifies a signed statement of
 * who called, for whom, and what Tollgate decided — instead of trusting plain headers any hop could forge.
 * <p>
 * Claims: {@code iss}, {@code iat}, {@code exp}, {@code aud} (the trust domain the token is valid in), {@code txn}
 * (the decision id: one transaction, one id across the logs), {@code sub} (the principal), {@code tctx} (the
 * transaction context: tenant, route, method, path and, on MCP routes, the call), {@code rctx} (the requester
 * context: how the caller was authenticated) and, for a delegated call, {@code act} (the RFC 8693 actor chain, nested).
 */
public final class TransactionTokens {

    /** The header that carries the token to the upstream. */
    public static final String HEADER = "Txn-Token";
    public static final JOSEObjectType TYPE = new JOSEObjectType("txntoken+jwt");

    private final TransactionTokenKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final Clock clock;

    public TransactionTokens(TransactionTokenKeys keys, String issuer, String audience, Duration lifetime,
                             Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** What the transaction is: the decision and the request it allowed. */
    public record Transaction(String decisionId, String tenant, String route, String method, String path,
                              String mcpMethod, String mcpName) {
    }

    public String mint(Principal principal, Transaction t) {
        Instant now = clock.instant();
        Map<String, Object> tctx = new LinkedHashMap<>();
        tctx.put("tenant", t.tenant());
        tctx.put("route", t.route());
        tctx.put("method", t.method());
        tctx.put("path", t.path());
        if (t.mcpMethod() != null) {
            tctx.put("mcp_method", t.mcpMethod());
            if (t.mcpName() != null) {
                tctx.put("mcp_name", t.mcpName());
            }
        }
        Map<String, Object> rctx = new LinkedHashMap<>();
        rctx.put("authn", dev.tollgate.gateway.authn.CredentialNames.forLog(principal.provenBy()));
        if (principal.issuer() != null) {
            rctx.put("token_issuer", principal.issuer());
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(principal.id())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .claim("txn", t.decisionId()).claim("tctx", tctx).claim("rctx", rctx);
        if (principal.delegated()) {
            claims.claim("act", actorChain(principal.actors()));
        }
        TransactionTokenKeys.Signing signing = keys.signing();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE)
                .keyID(signing.key().getKeyID()).build(), claims.build());
        try {
            jwt.sign(signing.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a transaction token", e);
        }
        return jwt.serialize();
    }

    /** RFC 8693 section 4.1: the current actor outermost, each earlier actor nested in its {@code act}. */
    static Map<String, Object> actorChain(List<String> actors) {
        Map<String, Object> act = null;
        List<String> reversed = new ArrayList<>(actors);
        java.util.Collections.reverse(reversed);
        for (String actor : reversed) {
            Map<String, Object> outer = new LinkedHashMap<>();
            outer.put("sub", actor);
            if (act != null) {
                outer.put("act", act);
            }
            act = outer;
        }
        return act;
    }
}
