package dev.tollgate.gateway.testsupport;

import dev.tollgate.gateway.dpop.ReplayStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DPoP replay traffic through a failover, for the Redis Cluster and Sentinel tests: fresh proofs one after another;
 * at proof 300 the master is killed, after {@code restartAfter} the old master comes back (as the new master's
 * replica); it runs until 300 proofs were accepted after that, or a minute. Every refusal is what a fail-closed
 * route answers with 503; {@code check} runs after every proof (e.g. "the revocation still holds").
 */
public final class ReplayFailover {

    /** What happened: accepted proofs, refusals and when (nanoTime), refusals by cause. */
    public record Result(List<String> accepted, int errors, long killedAt, long restartedAt, long firstError,
                         long lastError, int afterRestart, Map<String, Integer> causes) {

        public String describe() {
            return String.format("the replay store refused %d proofs as unavailable between %d ms and %d ms after the"
                    + " kill (the old master restarted at %d ms); %d accepted in all; refusals by cause: %s", errors,
                    (firstError - killedAt) / 1_000_000, (lastError - killedAt) / 1_000_000,
                    (restartedAt - killedAt) / 1_000_000, accepted.size(), causes);
        }
    }

    private ReplayFailover() {
    }

    public static Result run(ReplayStore store, RedisProcess master, Duration restartAfter, Runnable check) {
        List<String> accepted = new ArrayList<>();
        Map<String, Integer> causes = new TreeMap<>();
        long killedAt = 0;
        long restartedAt = 0;
        long firstError = 0;
        long lastError = 0;
        int errors = 0;
        int afterRestart = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; System.nanoTime() < deadline && afterRestart < 300; i++) {
            if (i == 300) {
                master.kill();
                killedAt = System.nanoTime();
            }
            // A promoted master with replica-acks: 1 needs a replica of its own before it accepts proofs again.
            if (killedAt != 0 && restartedAt == 0 && System.nanoTime() - killedAt > restartAfter.toNanos()) {
                master.start();
                restartedAt = System.nanoTime();
            }
            String jti = "jti-" + i;
            try {
                if (Boolean.TRUE.equals(store.firstUse(jti, Duration.ofMinutes(1)).block(Duration.ofSeconds(5)))) {
                    accepted.add(jti);
                    if (restartedAt != 0 && lastError != 0) {
                        afterRestart++;
                    }
                }
            } catch (RuntimeException e) {
                causes.merge(String.valueOf(e.getMessage()), 1, Integer::sum);
                errors++;
                lastError = System.nanoTime();
                firstError = firstError == 0 ? lastError : firstError;
            }
            check.run();
        }
        return new Result(List.copyOf(accepted), errors, killedAt, restartedAt, firstError, lastError, afterRestart,
                causes);
    }
}
