package dev.tollgate.gateway.dpop;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * This instance's replay store: enough for a single instance, and the fallback of a {@code local-replay-store} degrade
 * when Redis is down. Bounded, and a bounded cache that evicts would be wrong here: flooding it with fresh proofs must
 * not push a live {@code jti} out and so let its proof be accepted again. At capacity, expired entries are swept; if
 * the store is still full, new proofs are refused ({@link ReplayStoreFullException}) until entries expire.
 */
public final class LocalReplayStore implements ReplayStore {

    private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;
    private final AtomicLong lastSweep = new AtomicLong();

    public LocalReplayStore(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public Mono<Boolean> firstUse(String key, Duration window) {
        return Mono.fromCallable(() -> record(key, window));
    }

    /** The synchronous form, for callers already off any reactive chain. */
    public boolean record(String key, Duration window) {
        long now = clock.millis();
        long expiry = now + window.toMillis();
        if (expiries.size() >= capacity) {
            sweep(now);
            if (expiries.size() >= capacity && !expiries.containsKey(key)) {
                throw new ReplayStoreFullException(capacity);
            }
        }
        Long previous = expiries.putIfAbsent(key, expiry);
        if (previous == null) {
            return true;
        }
        // An expired entry not yet swept: the key may be used again, exactly once.
        return previous <= now && expiries.replace(key, previous, expiry);
    }

    public int size() {
        return expiries.size();
    }

    /** Drops expired entries; at most once per 100 ms, so a full store under load is not swept on every request. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < 100 || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        expiries.entrySet().removeIf(e -> e.getValue() <= now);
    }
}
