package dev.tollgate.gateway.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * One socket write for the Redis commands issued in one pass of the event loop, instead of one per command.
 * <p>
 * Lettuce flushes every command as it is written. Under load an event loop serves several requests per pass, each
 * with its own {@code GET} (decision cache L2), {@code MGET} (entity store) or {@code SET NX} (DPoP replay): one
 * {@code write} system call each, and as many replies to read. Netty's {@link FlushConsolidationHandler}, placed next
 * to the socket, holds a flush issued outside this channel's own read until the loop has finished the pass (or until
 * 256 are pending), so the pass's commands leave in one write and their replies tend to come back in one read. A lone
 * command waits for nothing but the end of the current pass.
 */
final class CoalescedFlushes implements NettyCustomizer {

    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addFirst("tollgate-coalesced-flushes",
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
}
