package dev.tollgate.gateway.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for another thread's state without a fixed sleep: poll until it holds, fail after a deadline. */
public final class Conditions {

    private Conditions() {
    }

    /** Returns as soon as {@code condition} holds; fails after {@code limit}. */
    public static void await(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            // A short park, not a spin: on a two-core machine a spinning test takes the core the writer needs.
            LockSupport.parkNanos(100_000);
        }
    }

    /** {@link #await(Duration, BooleanSupplier)} with ten seconds. */
    public static void await(BooleanSupplier condition) {
        await(Duration.ofSeconds(10), condition);
    }
}
