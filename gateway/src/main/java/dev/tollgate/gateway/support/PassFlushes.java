package dev.tollgate.gateway.support;

import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * A connection's writes leave at the end of the event loop's pass, not in the middle of it.
 * <p>
 * Under load an event loop reads several client connections in one pass. Each request it serves writes to another
 * connection — the request to its upstream, a command to Redis — and Netty sends each write the moment it is
 * flushed: one {@code send} system call in the middle of the pass, which wakes the process at the other end for that
 * one message. Netty's {@link FlushConsolidationHandler}, next to the socket with
 * {@code consolidateWhenNoReadInProgress}, holds such a flush until the loop has finished the pass (or 256 are
 * pending): the pass's sends leave back to back, and a receiver woken by the first finds the rest already there. A
 * connection's own read still flushes when that read is complete; closing a connection flushes first. A lone request
 * waits for nothing but the end of the current pass.
 * <p>
 * Used on the upstream and Redis connections, not on the listener's (see {@code EventLoopsConfiguration}).
 */
public final class PassFlushes {

    /** The handler's name in a pipeline. */
    public static final String HANDLER = "tollgate.passFlushes";

    private PassFlushes() {
    }

    /** Puts the handler next to the socket (ahead of TLS), so what it holds is what goes to the kernel. */
    public static void install(Channel channel) {
        channel.pipeline().addFirst(HANDLER,
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
}
