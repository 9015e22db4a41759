package dev.tollgate.gateway.support;

import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * A Caffeine {@link Expiry} for entries that carry their own end (a token's {@code exp}, a decision's bound):
 * each entry lives until that instant, reads do not extend it, and replacing it restarts from the new value's end.
 */
public final class ExpireAt<K, V> implements Expiry<K, V> {

    private final Function<V, Instant> end;
    private final Clock clock;

    public ExpireAt(Function<V, Instant> end, Clock clock) {
        this.end = end;
        this.clock = clock;
    }

    @Override
    public long expireAfterCreate(K key, V value, long currentTime) {
        return Math.max(0, Duration.between(clock.instant(), end.apply(value)).toNanos());
    }

    @Override
    public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
        return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
        return currentDuration;
    }
}
