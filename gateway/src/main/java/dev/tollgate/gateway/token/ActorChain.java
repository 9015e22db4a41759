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
            actors.add(actorId(actor, "act"));
            current = actor.get("act");
        }
        checkMayAct(claims.get("may_act"), actors.get(0));
        return List.copyOf(actors);
    }

    private static String actorId(Map<?, ?> actor, String claim) {
        if (!(actor.get("sub") instanceof String sub) || sub.isBlank()) {
            throw new TokenRejectedException("token.act.malformed", "an " + claim + " claim must name its sub");
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
