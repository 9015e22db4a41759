package dev.tollgate.gateway.redis;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.LoopResources;

/**
 * Lends Lettuce the gateway's event loops instead of letting it start its own. A Redis command issued while serving a
 * request then writes, reads and continues on the request's own thread: no hand-off to a Lettuce thread and back.
 * Lettuce never shuts these loops down: they belong to the gateway.
 */
final class SharedEventLoops implements EventLoopGroupProvider {

    private static final Logger log = LoggerFactory.getLogger(SharedEventLoops.class);

    private final EventLoopGroup loops;

    private SharedEventLoops(EventLoopGroup loops) {
        this.loops = loops;
    }

    /**
     * The server loops of {@code resources}, if Lettuce's TCP transport runs on them (both epoll, both NIO, ...);
     * otherwise {@code null}, and Lettuce keeps its own threads.
     */
    static SharedEventLoops of(LoopResources resources) {
        EventLoopGroup server = resources.onServer(true);
        Class<?> serverChannel = resources.onChannelClass(SocketChannel.class, server);
        Class<?> lettuceChannel = Transports.socketChannelClass();
        if (!serverChannel.equals(lettuceChannel)) {
            log.info("Redis keeps its own event loops: the gateway's use {}, Lettuce {}",
                    serverChannel.getSimpleName(), lettuceChannel.getSimpleName());
            return null;
        }
        return new SharedEventLoops(server);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        // Lettuce names its transport's group class; Netty 4.2 loops of the same transport serve its channels.
        return (T) loops;
    }

    @Override
    public int threadPoolSize() {
        int threads = 0;
        for (EventExecutor ignored : loops) {
            threads++;
        }
        return threads;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
