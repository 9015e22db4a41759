package dev.tollgate.gateway.dpop;

import dev.tollgate.fallback.Dependency;
import dev.tollgate.gateway.redis.RedisAccess;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The replay store every instance shares: one {@code SET key 1 NX PX window} per proof — atomic, so of two instances
 * receiving the same proof exactly one sees it first. Entries expire with the acceptance window, so the store holds
 * only proofs that could still be accepted; Redis's {@code maxmemory} must be sized for the proof rate times the
 * window, with a {@code volatile-ttl}/{@code noeviction} policy (see gateway/DPOP.md). Calls go through the
 * {@code redis} dependency guard: time limit, circuit breaker, bulkhead.
 */
public final class RedisReplayStore implements ReplayStore {

    private final RedisAccess redis;
    private final Dependency dependency;
    private final String prefix;
    private final int replicaAcks;
    private final Duration replicaTimeout;

    public RedisReplayStore(RedisAccess redis, Dependency dependency, String keyPrefix) {
        this(redis, dependency, keyPrefix, 0, Duration.ZERO);
    }

    /**
     * @param replicaAcks a proof counts as first used only once this many replicas hold its key ({@code WAIT}): a
     *                    failover to a replica then cannot forget it (Redis replicates asynchronously, so without this
     *                    a proof accepted just before the master died could be accepted again after). Fewer acks within
     *                    {@code replicaTimeout} is a dependency failure: the route's failure mode answers. 0: no wait.
     */
    public RedisReplayStore(RedisAccess redis, Dependency dependency, String keyPrefix, int replicaAcks,
                            Duration replicaTimeout) {
        this.redis = redis;
        this.dependency = dependency;
        this.prefix = keyPrefix + "dpop:";
        this.replicaAcks = replicaAcks;
        this.replicaTimeout = replicaTimeout;
    }

    @Override
    public Mono<Boolean> firstUse(String key, Duration window) {
        SetArgs args = SetArgs.Builder.nx().px(window.toMillis());
        String k = prefix + key;
        return dependency.call(() -> redis.reactive().flatMap(r -> r.set(k, "1", args))
                        .flatMap(ok -> replicaAcks == 0 || !"OK".equals(ok) ? Mono.just(ok)
                                : redis.waitForReplicas(k, replicaAcks, replicaTimeout).map(acks -> {
                                    if (acks < replicaAcks) {
                                        throw new ReplicationException(acks, replicaAcks);
                                    }
                                    return ok;
                                })))
                .map("OK"::equals)
                .defaultIfEmpty(false);
    }

    /** The proof's key reached fewer replicas than required in time: not known to survive a failover. */
    static final class ReplicationException extends RuntimeException {
        ReplicationException(long acks, int required) {
            super("the replay-store write reached " + acks + " of " + required + " replicas in time", null, false,
                    false);
        }
    }
}
