package dev.tollgate.perf.jmh;

import dev.tollgate.gateway.route.MalformedTargetRoute;
import dev.tollgate.gateway.route.UndecodableRequests;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What every request's head costs before Spring sees it: the one-scan check that its target is a URI Spring can make
 * ({@code MalformedTargetRoute}), and the Netty handler that takes a head the decoder could not read
 * ({@code UndecodableRequests}) passing a good one through — a request read and its response's end written, against
 * the same pipeline with a handler that only passes both on (the hop every handler costs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestHeadBenchmark {

    private HttpRequest request;
    private EmbeddedChannel passThrough;
    private EmbeddedChannel undecodable;

    @Setup
    public void setUp() {
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/acme/orders/42?status=open");
        request.headers().set("Host", "localhost:8443").set("Authorization", "Bearer x").set("Accept", "*/*");
        passThrough = channel(new ChannelDuplexHandler());
        undecodable = channel(new UndecodableRequests(null).handler()); // never refuses a good head
    }

    /** [writes end here] → handler → [reads end here, answering with the response's end]. */
    private static EmbeddedChannel channel(ChannelHandler handler) {
        return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                // swallowed: the socket's side is not what is measured
            }
        }, handler, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
            }
        });
    }

    @Benchmark
    public boolean targetIsPlain() {
        return MalformedTargetRoute.plain(request.uri());
    }

    @Benchmark
    public String hostPortCheck() {
        return UndecodableRequests.badHostPort(request);
    }

    @Benchmark
    public EmbeddedChannel passThroughHandler() {
        passThrough.pipeline().fireChannelRead(request);
        return passThrough;
    }

    @Benchmark
    public EmbeddedChannel undecodableRequestsHandler() {
        undecodable.pipeline().fireChannelRead(request);
        return undecodable;
    }
}
