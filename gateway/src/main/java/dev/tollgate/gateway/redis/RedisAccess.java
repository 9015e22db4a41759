package dev.tollgate.gateway.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

/**
 * Tollgate's connections to Redis (Lettuce): one multiplexed command connection and one pub/sub connection. They are
 * opened in the background and reopened by Lettuce after a failure, so the gateway starts and keeps serving while
 * Redis is away; callers see a failed command and apply their route's failure mode.
 */
public final class RedisAccess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisAccess.class);

    /** Reconnect backoff cap unless configured: a dropped connection to Redis is remade within about this long. */
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(1);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final AtomicReference<StatefulRedisConnection<String, String>> commands = new AtomicReference<>();
    private final AtomicReference<StatefulRedisPubSubConnection<String, String>> pubSub = new AtomicReference<>();
    private final Duration connectTimeout;
    private Disposable connecting;

    public RedisAccess(String uri, Duration commandTimeout) {
        this(uri, commandTimeout, DEFAULT_RECONNECT_MAX_DELAY);
    }

    /**
     * @param reconnectMaxDelay cap of the backoff between reconnect attempts. Lettuce's default doubles up to 30 s, so
     *                          after a few seconds of outage Redis could be back for half a minute while every
     *                          fail-closed route still answers 503; an attempt is one TCP connect, cheap enough to
     *                          repeat every second. Jittered, so a fleet of gateways does not reconnect in step.
     */
    public RedisAccess(String uri, Duration commandTimeout, Duration reconnectMaxDelay) {
        this(uri, commandTimeout, reconnectMaxDelay, null);
    }

    /**
     * @param eventLoops the gateway's event loops, for Redis connections to run on (so a command issued while serving
     *                   a request completes on the request's thread), or {@code null} for Lettuce's own threads
     */
    public RedisAccess(String uri, Duration commandTimeout, Duration reconnectMaxDelay, LoopResources eventLoops) {
        this.uri = RedisURI.create(uri);
        ClientResources.Builder builder = ClientResources.builder()
                .reconnectDelay(Delay.equalJitter(Duration.ZERO, reconnectMaxDelay, 1, TimeUnit.MILLISECONDS));
        SharedEventLoops shared = eventLoops == null ? null : SharedEventLoops.of(eventLoops);
        if (shared != null) {
            builder.eventLoopGroupProvider(shared);
        }
        this.resources = builder.build();
        this.client = RedisClient.create(resources);
        this.connectTimeout = commandTimeout.multipliedBy(3);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Commands issued while disconnected fail at once instead of queueing without bound.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                .build());
    }

    /** Connects in the background, retrying until Redis answers; {@code onConnected} runs once connected. */
    public void start(Consumer<StatefulRedisPubSubConnection<String, String>> onPubSubConnected) {
        connecting = Mono.fromFuture(() -> client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture())
                .timeout(connectTimeout)
                .doOnNext(commands::set)
                .then(Mono.fromFuture(() -> client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture())
                        .timeout(connectTimeout))
                .doOnNext(c -> {
                    pubSub.set(c);
                    onPubSubConnected.accept(c);
                    log.info("connected to Redis at {}:{}", uri.getHost(), uri.getPort());
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> {
                            if (s.totalRetries() < 3 || s.totalRetries() % 10 == 0) {
                                log.warn("Redis at {}:{} not reachable yet: {}", uri.getHost(), uri.getPort(),
                                        s.failure().toString());
                            }
                        }))
                .subscribe();
    }

    /** Reactive commands, or an error while the first connection has not been made. */
    public Mono<RedisReactiveCommands<String, String>> reactive() {
        StatefulRedisConnection<String, String> c = commands.get();
        return c == null ? Mono.error(new IllegalStateException("Redis not connected")) : Mono.just(c.reactive());
    }

    /** Lettuce's connection events (reconnect attempts and their delays, connects, disconnects). */
    public EventBus events() {
        return resources.eventBus();
    }

    public boolean connected() {
        StatefulRedisConnection<String, String> c = commands.get();
        StatefulRedisPubSubConnection<String, String> p = pubSub.get();
        return c != null && c.isOpen() && p != null && p.isOpen();
    }

    @Override
    public void close() {
        if (connecting != null) {
            connecting.dispose();
        }
        StatefulRedisConnection<String, String> c = commands.get();
        if (c != null) {
            c.closeAsync();
        }
        StatefulRedisPubSubConnection<String, String> p = pubSub.get();
        if (p != null) {
            p.closeAsync();
        }
        client.shutdownAsync().whenComplete((done, error) -> resources.shutdown(0, 2, TimeUnit.SECONDS));
    }
}
