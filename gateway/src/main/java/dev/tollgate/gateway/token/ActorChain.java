package dev.tollgate.gateway.token;

import dev.tollgate.policy.SpiffeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8693 delegation in a verified token: the {@code act} claim names who acts for the subject, each {@code act}
 * possibly nesting the earlier actor (section 4.1: "the outermost act claim represents the current actor"). Only
 * {@code sub} (and {@code iss}) identify an actor; a chain deeper than the issuer's {@code max-delegation-depth} is
 * refused. A {@code may_act} claim (section 4.4) says who may act for the subject: when the token carries both, the
 * current actor must be the one it names.
 */
final class ActorChain {

    /** Nesting beyond this is refused whatever the setting: the claim is attacker-sized input. */
    static final int HARD_LIMIT = 16;

    private ActorChain() {
    }

    /** The actors, current first; empty for a token without {@code act}. */
    static List<String> of(Map<String, Object> claims, int maxDepth) {
        return of(claims, maxDepth, null);
    }

    /**
     * @param trustDomains the trust domains whose workloads the issuer may name as actors ({@code null}: any) — as for
     *                     principals, an issuer vouches only for the trust domains it was given
     */
    static List<String> of(Map<String, Object> claims, int maxDepth, java.util.Set<String> trustDomains) {
        Object act = claims.get("act");
        if (act == null) {
            return List.of();
        }
        if (maxDepth == 0) {
            throw new TokenRejectedException("token.act.refused", "this issuer's tokens may not be delegated (act)");
        }
        List<String> actors = new ArrayList<>(2);
        Object current = act;
        while (current != null) {
            if (actors.size() >= Math.min(maxDepth, HARD_LIMIT)) {
                throw new TokenRejectedException("token.act.depth", "the token's delegation chain is longer than "
                        + Math.min(maxDepth, HARD_LIMIT));
            }
            if (!(current instanceof Map<?, ?> actor)) {
                throw new TokenRejectedException("token.act.malformed", "an act claim must be a JSON object");
            }
            String id = actorId(actor, "act");
            if (trustDomains != null && SpiffeId.isWorkload(id)
                    && !trustDomains.contains(SpiffeId.workload(id).trustDomain())) {
                throw new TokenRejectedException("token.act.trust-domain", "the issuer may not name actors of this"
                        + " trust domain");
            }
            actors.add(id);
            current = actor.get("act");
        }
        checkMayAct(claims.get("may_act"), actors.get(0));
        return List.copyOf(actors);
    }

    private static String actorId(Map<?, ?> actor, String claim) {
        if (!(actor.get("sub") instanceof String sub) || sub.isBlank()) {
            throw new TokenRejectedException("token.act.malformed", "an " + claim + " claim must name its sub");
        }
        if (sub.indexOf(',') >= 0 || sub.length() > 2048) {
            // Actors travel comma-separated (X-Tollgate-Actors): a comma inside one would split it.
            throw new TokenRejectedException("token.act.malformed", "an actor's sub may not contain a comma");
        }
        if (SpiffeId.looksLikeSpiffe(sub) && !SpiffeId.isWorkload(sub)) {
            throw new TokenRejectedException("token.act.malformed", "an actor that says spiffe: must be a workload's"
                    + " SPIFFE ID");
        }
        return sub;
    }

    private static void checkMayAct(Object mayAct, String currentActor) {
        if (mayAct == null) {
            return;
        }
        if (!(mayAct instanceof Map<?, ?> allowed)) {
            throw new TokenRejectedException("token.act.malformed", "a may_act claim must be a JSON object");
        }
        if (!currentActor.equals(actorId(allowed, "may_act"))) {
            throw new TokenRejectedException("token.act.not-allowed", "the current actor is not the one may_act names");
        }
    }
}
