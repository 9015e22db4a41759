package dev.tollgate.gateway.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound may ignore in the gateway's tests: writing a log line (Logback's appender takes a lock that can be
 * contended; logging is not I/O we could make reactive), Lettuce's write-path lock, and the JDK's random seeds.
 * Everything else that blocks on an event loop fails the test.
 */
public class TollgateBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
        builder.allowBlockingCallsInside("ch.qos.logback.core.UnsynchronizedAppenderBase", "doAppend");
        // Lettuce guards its write path with a short lock that two writers may contend for (by design).
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
        // ... and whatever Lettuce does to hand a command to its connection (its own locks, by design).
        builder.allowBlockingCallsInside("io.lettuce.core.RedisChannelHandler", "dispatch");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.DefaultEndpoint", "write");
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        // Resilience4j guards its breaker's ring buffer with a ReentrantLock held for a few array writes; two event
        // loops recording outcomes at once may park for that long (seen with two Redis connections, DPoP replay).
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
        builder.allowBlockingCallsInside("java.util.UUID", "randomUUID");
    }
}
