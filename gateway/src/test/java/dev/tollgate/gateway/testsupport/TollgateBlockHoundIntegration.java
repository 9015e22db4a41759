package dev.tollgate.gateway.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound may ignore in the gateway's tests: writing a log line (Logback's appender takes a lock that can be
 * contended; logging is not I/O we could make reactive) and the JDK's own lazy class-loading of random seeds.
 * Everything else that blocks on an event loop fails the test.
 */
public class TollgateBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
        builder.allowBlockingCallsInside("ch.qos.logback.core.UnsynchronizedAppenderBase", "doAppend");
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        builder.allowBlockingCallsInside("java.util.UUID", "randomUUID");
    }
}
