package dev.tollgate.gateway.txn;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.gateway.testsupport.MovableClock;
import dev.tollgate.policy.CredentialKind;
import dev.tollgate.policy.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransactionTokensTest {

    private static final Principal ALICE_VIA_AGENTS = new Principal("alice", null, "acme", "https://idp.test",
            Map.of(), Set.of(CredentialKind.JWT, CredentialKind.MTLS),
            List.of("spiffe://acme.test/agents/planner", "spiffe://acme.test/agents/broker"));

    private static final TransactionTokens.Transaction TXN = new TransactionTokens.Transaction("d-1", "acme",
            "mcp-weather", "POST", "/mcp/weather", "tools/call", "get_forecast");

    @Test
    void tokensCarryTheDecisionTheChainAndVerifyAcrossOneRotation() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-02T12:00:00Z"));
        TransactionTokenKeys keys = new TransactionTokenKeys(clock, Duration.ofHours(1));
        TransactionTokens tokens = new TransactionTokens(keys, "tollgate", "acme.test", Duration.ofSeconds(30),
                clock);
        SignedJWT before = SignedJWT.parse(tokens.mint(ALICE_VIA_AGENTS, TXN));
        var claims = before.getJWTClaimsSet();
        assertThat(before.getHeader().getType().getType()).isEqualTo("txntoken+jwt");
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly("acme.test");
        assertThat(claims.getStringClaim("txn")).isEqualTo("d-1");
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(claims.getJSONObjectClaim("act")).isEqualTo(Map.of("sub", "spiffe://acme.test/agents/planner",
                "act", Map.of("sub", "spiffe://acme.test/agents/broker")));
        assertThat(claims.getJSONObjectClaim("rctx").get("authn")).isEqualTo(List.of("jwt", "mtls"));

        keys.rotateIfDue();
        assertThat(JWKSet.parse(keys.jwks()).getKeys()).as("not due yet").hasSize(1);
        clock.advance(Duration.ofHours(1));
        keys.rotateIfDue();
        JWKSet published = JWKSet.parse(keys.jwks());
        assertThat(published.getKeys()).hasSize(2).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        SignedJWT after = SignedJWT.parse(tokens.mint(ALICE_VIA_AGENTS, TXN));
        assertThat(after.getHeader().getKeyID()).isNotEqualTo(before.getHeader().getKeyID());
        for (SignedJWT jwt : List.of(before, after)) {
            assertThat(jwt.verify(new ECDSAVerifier(published.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey())))
                    .isTrue();
        }
        keys.rotate();
        assertThat(JWKSet.parse(keys.jwks()).getKeyByKeyId(before.getHeader().getKeyID()))
                .as("two rotations later the first key is gone").isNull();
    }

    @Test
    void aDirectCallHasNoActor() throws Exception {
        MovableClock clock = new MovableClock(Instant.now());
        TransactionTokens tokens = new TransactionTokens(new TransactionTokenKeys(clock, Duration.ofHours(1)),
                "tollgate", "tollgate", Duration.ofSeconds(60), clock);
        Principal direct = new Principal("spiffe://acme.test/ns/shop/sa/checkout", "acme.test", "acme", null,
                Map.of(), Set.of(CredentialKind.MTLS));
        var claims = SignedJWT.parse(tokens.mint(direct, new TransactionTokens.Transaction("d-2", "acme", "r",
                "GET", "/api/acme/orders/7", null, null))).getJWTClaimsSet();
        assertThat(claims.getClaim("act")).isNull();
        assertThat(claims.getJSONObjectClaim("tctx")).doesNotContainKey("mcp_method")
                .containsEntry("path", "/api/acme/orders/7");
    }
}
