package dev.tollgate.gateway.dpop;

import dev.tollgate.fallback.DependencyUnavailableException;
import dev.tollgate.fallback.FailureMode;
import dev.tollgate.fallback.FallbackTaken;
import dev.tollgate.gateway.problem.RequestRejectedException;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The replay check of a verified proof, with the route's failure mode: the shared store (Redis) when configured,
 * otherwise this instance's. When the shared store cannot answer, a route that fails closed answers 503; a route that
 * declared {@code degrade: {local-replay-store: true}} checks this instance's store instead (a proof replayed to
 * another instance is then not caught) and the decision is marked degraded. Every proof the shared store accepts is
 * also written here, so a degraded instance still knows the proofs it saw before the outage.
 */
public final class DPoPReplayGuard {

    private final ReplayStore shared;
    private final LocalReplayStore local;
    private final DPoPSettings settings;
    private final DPoPChallenges challenges;

    /** @param shared the store every instance uses, or {@code null} for a single instance */
    public DPoPReplayGuard(ReplayStore shared, LocalReplayStore local, DPoPSettings settings) {
        this.shared = shared;
        this.local = local;
        this.settings = settings;
        this.challenges = new DPoPChallenges(settings.algorithms());
    }

    /**
     * Completes with the fallback taken (empty when none) if the proof is used for the first time; fails with a 401
     * for a replay and a 503 when no store the route accepts can answer.
     */
    public Mono<Optional<FallbackTaken>> check(DPoPProof proof, FailureMode mode, String method, String principal) {
        if (shared == null) {
            return Mono.fromCallable(() -> firstUseLocally(proof, Optional.empty()));
        }
        return shared.firstUse(proof.replayKey(), settings.replayWindow())
                .map(first -> {
                    if (!first) {
                        throw replayed();
                    }
                    rememberLocally(proof);
                    return Optional.<FallbackTaken>empty();
                })
                .onErrorResume(e -> !(e instanceof RequestRejectedException), e -> {
                    DependencyUnavailableException.Reason reason = e instanceof DependencyUnavailableException d
                            ? d.reason() : DependencyUnavailableException.Reason.FAILED;
                    if (mode instanceof FailureMode.Degrade d && d.localReplayStore() && d.admits(method, principal)) {
                        return Mono.fromCallable(() -> firstUseLocally(proof,
                                Optional.of(new FallbackTaken("redis", reason, "local-replay-store"))));
                    }
                    return Mono.error(RequestRejectedException.unavailable("dependency.replay-store",
                            "the DPoP replay store is unavailable; try again shortly", mode.retryAfter()));
                });
    }

    private Optional<FallbackTaken> firstUseLocally(DPoPProof proof, Optional<FallbackTaken> taken) {
        try {
            if (!local.record(proof.replayKey(), settings.replayWindow())) {
                throw replayed();
            }
            return taken;
        } catch (ReplayStoreFullException e) {
            throw RequestRejectedException.unavailable("dependency.replay-store-full",
                    "too many DPoP proofs in flight; try again shortly", settings.proofMaxAge());
        }
    }

    private void rememberLocally(DPoPProof proof) {
        try {
            local.record(proof.replayKey(), settings.replayWindow());
        } catch (ReplayStoreFullException e) {
            // Best effort: the shared store has the authoritative record.
        }
    }

    private RequestRejectedException replayed() {
        return challenges.invalidProof("dpop.replay", "the DPoP proof has already been used");
    }
}
