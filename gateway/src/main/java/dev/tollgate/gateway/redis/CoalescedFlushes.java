package dev.tollgate.gateway.redis;

import dev.tollgate.gateway.support.PassFlushes;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;

/**
 * One socket write for the Redis commands issued in one pass of the event loop, instead of one per command
 * ({@link PassFlushes}). Lettuce flushes every command as it is written; under load a pass serves several requests,
 * each with its own {@code GET} (decision cache L2), {@code MGET} (entity store) or {@code SET NX} (DPoP replay), so
 * the pass's commands leave in one write and their replies tend to come back in one read.
 */
final class CoalescedFlushes implements NettyCustomizer {

    @Override
    public void afterChannelInitialized(Channel channel) {
        PassFlushes.install(channel);
    }
}
