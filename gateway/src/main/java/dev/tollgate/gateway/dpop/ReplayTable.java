package dev.tollgate.gateway.dpop;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stripe of the {@link LocalReplayStore}: fingerprints and their expiry times in two parallel arrays, open
 * addressing with linear probing, at most half full. Not thread-safe: the store locks a table around each call.
 * <p>
 * Expired entries are not removed one by one (linear probing would need tombstones): an insert reuses the first expired
 * slot on its probe path, and a rebuild, when the table is half full or the store sweeps, keeps only live entries, so
 * under steady traffic the table's size follows the live entries, growing and shrinking with them.
 */
final class ReplayTable {

    static final long EMPTY = 0;
    private static final int MIN_SLOTS = 16;

    /** The store's entry count, across its tables: what its capacity bounds. */
    private final AtomicInteger storeEntries;
    private long[] fingerprints = new long[MIN_SLOTS];
    private long[] expiries = new long[MIN_SLOTS];
    private int used;

    ReplayTable(AtomicInteger storeEntries) {
        this.storeEntries = storeEntries;
    }

    /**
     * {@code true} and remembered until {@code expiry} when {@code fingerprint} is new or its entry has expired,
     * {@code false} for a replay.
     *
     * @throws ReplayStoreFullException when a new entry is needed and the store holds {@code capacity}
     */
    boolean record(long fingerprint, long now, long expiry, int capacity) {
        int mask = fingerprints.length - 1;
        int slot = (int) fingerprint & mask;
        int expired = -1;
        for (long present; (present = fingerprints[slot]) != EMPTY; slot = (slot + 1) & mask) {
            if (present == fingerprint) {
                if (expiries[slot] > now) {
                    return false;
                }
                expiries[slot] = expiry; // its window has passed: the key may be used again, once
                return true;
            }
            if (expired < 0 && expiries[slot] <= now) {
                expired = slot;
            }
        }
        if (expired >= 0) {
            // Not on the path: the expired entry's slot takes it, and the path stays unbroken.
            fingerprints[expired] = fingerprint;
            expiries[expired] = expiry;
            return true;
        }
        if (!reserve(capacity)) {
            throw new ReplayStoreFullException(capacity);
        }
        fingerprints[slot] = fingerprint;
        expiries[slot] = expiry;
        if (++used * 2 > fingerprints.length) {
            dropExpired(now);
        }
        return true;
    }

    int slots() {
        return fingerprints.length;
    }

    /** Keeps the live entries only, in a table a third full or less (room to grow by half before the next rebuild). */
    void dropExpired(long now) {
        int live = 0;
        for (int i = 0; i < fingerprints.length; i++) {
            if (fingerprints[i] != EMPTY && expiries[i] > now) {
                live++;
            }
        }
        int length = MIN_SLOTS;
        while (length < live * 3) {
            length <<= 1;
        }
        long[] oldFingerprints = fingerprints;
        long[] oldExpiries = expiries;
        fingerprints = new long[length];
        expiries = new long[length];
        int mask = length - 1;
        for (int i = 0; i < oldFingerprints.length; i++) {
            if (oldFingerprints[i] != EMPTY && oldExpiries[i] > now) {
                int slot = (int) oldFingerprints[i] & mask;
                while (fingerprints[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                fingerprints[slot] = oldFingerprints[i];
                expiries[slot] = oldExpiries[i];
            }
        }
        storeEntries.addAndGet(live - used);
        used = live;
    }

    private boolean reserve(int capacity) {
        for (int n = storeEntries.get(); n < capacity; n = storeEntries.get()) {
            if (storeEntries.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }
}
