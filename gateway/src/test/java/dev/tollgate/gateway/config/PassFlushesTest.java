package dev.tollgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.support.PassFlushes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The upstream client's connections, customised as the gateway customises them, hold a flush made outside their own
 * read until the event loop's pass is over: a probe next to the socket counts the flushes that
 * reach the kernel, during the loop task that made the flush and after it.
 */
class PassFlushesTest {

    private final LoopResources loops = LoopResources.create("pass-flushes-test", 1, true);
    private DisposableServer server;
    private ConnectionProvider pool;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
        if (pool != null) {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
        loops.disposeLater().block(Duration.ofSeconds(5));
    }

    @Test
    void anUpstreamConnectionSendsAtTheEndOfThePass() throws Exception {
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((request, response) -> response.sendString(Mono.just("ok")))
                .bindNow();
        FlushProbe probe = new FlushProbe();
        CompletableFuture<Channel> connected = new CompletableFuture<>();
        pool = ConnectionProvider.create("pass-flushes-test", 1);
        HttpClient client = EventLoopsConfiguration.upstreamPassFlushes(HttpClient.create(pool).runOn(loops))
                .doOnChannelInit((observer, channel, remote) -> probe.install(channel, connected));
        String answer = client.get().uri("http://127.0.0.1:" + server.port() + "/")
                .responseContent().aggregate().asString().block(Duration.ofSeconds(5));
        assertThat(answer).isEqualTo("ok");
        // The pooled connection stays open after the exchange.
        Channel channel = connected.get(5, TimeUnit.SECONDS);
        assertThat(channel.pipeline().names()).startsWith("probe", PassFlushes.HANDLER);
        assertFlushHeldToTheEndOfThePass(channel, probe);
    }

    /** A flush from a loop task (as when another connection's read writes here) reaches the socket after the task. */
    private static void assertFlushHeldToTheEndOfThePass(Channel channel, FlushProbe probe) throws Exception {
        assertThat(channel.isActive()).isTrue();
        int[] counts = new int[2];
        channel.eventLoop().submit(() -> {
            counts[0] = probe.flushes.get();
            channel.flush();
            counts[1] = probe.flushes.get();
        }).get(5, TimeUnit.SECONDS);
        assertThat(counts[1]).as("flushes reaching the socket during the task that flushed").isEqualTo(counts[0]);
        // Tasks run in order: the held flush, submitted during the task above, has run when this one has.
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(probe.flushes.get()).as("flushes reaching the socket once the pass is over").isEqualTo(counts[0] + 1);
    }

    /** Counts the flushes that pass it; installed next to the socket, after the gateway's own customisation. */
    private static final class FlushProbe extends ChannelOutboundHandlerAdapter {
        final AtomicInteger flushes = new AtomicInteger();

        void install(Channel channel, CompletableFuture<Channel> seen) {
            channel.pipeline().addFirst("probe", this);
            seen.complete(channel);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }
}
