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

    public RedisReplayStore(RedisAccess redis, Dependency dependency, String keyPrefix) {
        this.redis = redis;
        this.dependency = dependency;
        this.prefix = keyPrefix + "dpop:";
    }

    @Override
    public Mono<Boolean> firstUse(String key, Duration window) {
        SetArgs args = SetArgs.Builder.nx().px(window.toMillis());
        return dependency.call(() -> redis.reactive().flatMap(r -> r.set(prefix + key, "1", args)))
                .map("OK"::equals)
                .defaultIfEmpty(false);
    }
}
