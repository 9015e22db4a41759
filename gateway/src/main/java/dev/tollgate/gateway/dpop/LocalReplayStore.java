package dev.tollgate.gateway.dpop;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * This instance's replay store: enough for a single instance, and the fallback of a {@code local-replay-store} degrade
 * when Redis is down. Bounded, and a bounded cache that evicts would be wrong here: flooding it with fresh proofs must
 * not push a live {@code jti} out and so let its proof be accepted again. At capacity, expired entries are swept; if
 * the store is still full, new proofs are refused ({@link ReplayStoreFullException}) until entries expire.
 * <p>
 * Every accepted proof stays for the whole replay window (80 s by default), so at a few thousand proofs a second the
 * store holds hundreds of thousands of entries, each living long enough to be copied by the young collector and
 * promoted. Entries are therefore no objects: a key is a 64-bit fingerprint and an entry two {@code long}s in the
 * open-addressing tables of {@link ReplayTable} (16 bytes a slot, at most half the slots used, against ~120 bytes
 * and three objects in a {@code ConcurrentHashMap<String, Long>}). Two distinct keys share a fingerprint with
 * probability about n / 2<sup>64</sup>; the second proof is then refused as a replay, which is safe. The fingerprint is
 * keyed with a per-instance random seed, so a client grinding {@code jti}s cannot choose where its entries land and
 * build long probe chains.
 */
public final class LocalReplayStore implements ReplayStore {

    /** Tables locked independently, so event loops recording at once rarely wait for each other. */
    private static final int STRIPES = 64;

    private final ReplayTable[] tables = new ReplayTable[STRIPES];
    private final AtomicInteger entries = new AtomicInteger();
    private final int capacity;
    private final Clock clock;
    private final long seed = new SecureRandom().nextLong();
    private final AtomicLong lastSweep = new AtomicLong();

    public LocalReplayStore(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            tables[i] = new ReplayTable(entries);
        }
    }

    @Override
    public Mono<Boolean> firstUse(String key, Duration window) {
        return Mono.fromCallable(() -> record(key, window));
    }

    /** The synchronous form, for callers already off any reactive chain. */
    public boolean record(String key, Duration window) {
        long now = clock.millis();
        if (entries.get() >= capacity) {
            sweep(now);
        }
        long fingerprint = fingerprint(key);
        ReplayTable table = tables[(int) (fingerprint >>> 58)];
        synchronized (table) {
            return table.record(fingerprint, now, now + window.toMillis(), capacity);
        }
    }

    /** Entries held, live or expired but not yet dropped. */
    public int size() {
        return entries.get();
    }

    /** Slots allocated across the tables: what the store costs in memory is 16 bytes each. */
    int slots() {
        int slots = 0;
        for (ReplayTable table : tables) {
            synchronized (table) {
                slots += table.slots();
            }
        }
        return slots;
    }

    /** Drops expired entries everywhere; at most once per 100 ms, so a full store is not swept on every request. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < 100 || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (ReplayTable table : tables) {
            synchronized (table) {
                table.dropExpired(now);
            }
        }
    }

    /** FNV-1a over the key's characters from a secret offset, then MurmurHash3's finaliser to spread every bit. */
    private long fingerprint(String key) {
        long h = seed;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        h ^= key.length();
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == ReplayTable.EMPTY ? 1 : h;
    }
}
