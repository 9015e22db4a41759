package dev.tollgate.gateway.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import java.util.List;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
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
 * <p>
 * Standalone ({@code redis://}, {@code rediss://}), Sentinel ({@code redis-sentinel://...#master}) or Cluster
 * ({@code redis-cluster://host:port,host:port} or {@code rediss-cluster://...}: seed nodes; Lettuce's
 * {@code RedisClusterClient} follows the topology, refreshed periodically and on MOVED/ASK and reconnects). Callers use
 * the commands every mode shares ({@link RedisClusterReactiveCommands}); keys that must be read together carry one
 * hash tag.
 */
public final class RedisAccess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisAccess.class);

    /** Reconnect backoff cap unless configured: a dropped connection to Redis is remade within about this long. */
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(1);

    /**
     * No per-command timer of Lettuce's: every command is bounded by its caller, the {@code redis} dependency guard's
     * time limit on the request path (capped at {@code command-timeout}). Lettuce's timer was a second bound on the
     * same commands, and its entries (in a wheel that ticks every 100 ms) kept each answered command, and through its
     * subscriber the whole request, reachable until the next tick: hundreds of requests for the young collector to
     * copy, ~5 µs of its CPU per Redis-using request (perf/results/redis-commands-2026-12-07.md).
     */
    private static final TimeoutOptions COMMANDS_UNTIMED = TimeoutOptions.builder().timeoutCommands(false).build();

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final RedisURI uri;
    /** Cluster seed nodes, or {@code null} for a standalone or Sentinel-managed Redis. */
    private final List<RedisURI> clusterNodes;
    private final AtomicReference<StatefulConnection<String, String>> commands = new AtomicReference<>();
    private final AtomicReference<RedisClusterReactiveCommands<String, String>> reactive = new AtomicReference<>();
    private final AtomicReference<StatefulRedisPubSubConnection<String, String>> pubSub = new AtomicReference<>();
    private final Duration connectTimeout;
    private Disposable connecting;
    /** Who else listens on the shared pub/sub connection ({@link #onPubSub}), told once it is connected. */
    private final List<Consumer<StatefulRedisPubSubConnection<String, String>>> pubSubListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

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
        this(uri, commandTimeout, reconnectMaxDelay, eventLoops, null);
    }

    /**
     * @param tls for {@code rediss://}: the CA that issued Redis's certificate (instead of the JVM's trust store), and
     *            the client certificate for a Redis that requires one ({@code tls-auth-clients yes}); {@code null}: the
     *            JVM's trust store, no client certificate
     */
    public RedisAccess(String uri, Duration commandTimeout, Duration reconnectMaxDelay, LoopResources eventLoops,
                       RedisTlsFiles tls) {
        this.clusterNodes = clusterNodes(uri);
        this.uri = clusterNodes == null ? RedisURI.create(uri) : clusterNodes.get(0);
        ClientResources.Builder builder = ClientResources.builder()
                .reconnectDelay(Delay.equalJitter(Duration.ZERO, reconnectMaxDelay, 1, TimeUnit.MILLISECONDS));
        SharedEventLoops shared = eventLoops == null ? null : SharedEventLoops.of(eventLoops);
        if (shared != null) {
            builder.eventLoopGroupProvider(shared);
        }
        builder.nettyCustomizer(new CoalescedFlushes());
        this.resources = builder.build();
        this.connectTimeout = commandTimeout.multipliedBy(3);
        boundHandshakes(this.uri, connectTimeout);
        if (clusterNodes != null) {
            clusterNodes.forEach(node -> boundHandshakes(node, connectTimeout));
        }
        if (clusterNodes == null) {
            RedisClient standalone = RedisClient.create(resources);
            standalone.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    // Commands issued while disconnected fail at once instead of queueing without bound.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(COMMANDS_UNTIMED)
                    .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                    .sslOptions(sslOptions(tls))
                    .build());
            this.client = standalone;
        } else {
            RedisClusterClient cluster = RedisClusterClient.create(resources, clusterNodes);
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(COMMANDS_UNTIMED)
                    .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                    .sslOptions(sslOptions(tls))
                    // A failover moves slots: learn it from MOVED/ASK and lost connections at once, and every 10 s.
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(10))
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                            .build())
                    .build());
            this.client = cluster;
        }
    }

    /**
     * Every (re)connection's handshake (HELLO, AUTH, CLIENT SETNAME) waits for its answer up to the URI's timeout,
     * 60 s unless the URI names one. A reconnection whose handshake answer was lost while Redis restarted kept that
     * connection down, and every fail-closed route answering 503, for a minute after Redis was back. Bounded like the
     * first connection instead; a {@code ?timeout=} in the URI still wins.
     */
    private static void boundHandshakes(RedisURI uri, Duration timeout) {
        if (uri.getTimeout().equals(RedisURI.DEFAULT_TIMEOUT_DURATION)) {
            uri.setTimeout(timeout);
        }
        uri.getSentinels().forEach(sentinel -> boundHandshakes(sentinel, timeout));
    }

    private static io.lettuce.core.SslOptions sslOptions(RedisTlsFiles tls) {
        io.lettuce.core.SslOptions.Builder b = io.lettuce.core.SslOptions.builder().jdkSslProvider();
        // Read here, once: Lettuce makes a TLS context per connection, on an event loop, where no file may be read.
        if (tls != null && tls.ca() != null) {
            b.trustManager(dev.tollgate.gateway.crypto.PemFiles.trust(tls.ca()));
        }
        if (tls != null && tls.certificate() != null) {
            b.keyManager(dev.tollgate.gateway.crypto.PemFiles.keys(tls.certificate(), tls.privateKey()));
        }
        return b.build();
    }

    /**
     * {@code redis-cluster://[user:password@]host:port,host:port} → the seed nodes, with the credentials on each;
     * {@code rediss-cluster://} for TLS; {@code null} for any other URI.
     */
    static List<RedisURI> clusterNodes(String uri) {
        boolean tls = uri.startsWith("rediss-cluster://");
        if (!tls && !uri.startsWith("redis-cluster://")) {
            return null;
        }
        String rest = uri.substring(uri.indexOf("://") + 3);
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        int slash = rest.indexOf('/');
        String tail = slash < 0 ? "" : rest.substring(slash);
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        List<RedisURI> nodes = new java.util.ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("tollgate.redis.uri: an empty cluster node in " + hosts);
            }
            nodes.add(RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + host.trim() + tail));
        }
        return List.copyOf(nodes);
    }

    public boolean cluster() {
        return clusterNodes != null;
    }

    /** Connects in the background, retrying until Redis answers; {@code onConnected} runs once connected. */
    public void start(Consumer<StatefulRedisPubSubConnection<String, String>> onPubSubConnected) {
        connecting = connectCommands()
                .timeout(connectTimeout)
                .then(connectPubSub().timeout(connectTimeout))
                .doOnNext(c -> {
                    onPubSubConnected.accept(c);
                    synchronized (pubSubListeners) {
                        pubSub.set(c);
                        pubSubListeners.forEach(l -> l.accept(c));
                    }
                    log.info("connected to Redis at {}:{}", uri.getHost(), uri.getPort());
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> {
                            if (s.totalRetries() < 3 || s.totalRetries() % 10 == 0) {
                                log.warn("Redis at {}:{} not reachable yet: {}", uri.getHost(), uri.getPort(),
                                        s.failure().getCause() == null ? s.failure().toString()
                                                : s.failure() + " (" + s.failure().getCause() + ")");
                            }
                        }))
                .subscribe();
    }

    private Mono<Void> connectCommands() {
        if (client instanceof RedisClusterClient cluster) {
            // The async connect needs the topology first (the blocking one loads it itself).
            return Mono.fromFuture(() -> cluster.refreshPartitionsAsync().toCompletableFuture())
                    .then(Mono.fromFuture(() -> cluster.connectAsync(StringCodec.UTF8))).doOnNext(c -> {
                commands.set(c);
                reactive.set(c.reactive());
            }).then();
        }
        if (!uri.getSentinels().isEmpty()) {
            // Sentinel: Lettuce's master/replica connection follows +switch-master, so writes go to the promoted
            // master (a plain connection could stay on a demoted one and see READONLY until it drops).
            return Mono.fromFuture(() -> io.lettuce.core.masterreplica.MasterReplica.connectAsync((RedisClient) client,
                            StringCodec.UTF8, uri))
                    .doOnNext(c -> {
                        commands.set(c);
                        reactive.set(c.reactive());
                    }).then();
        }
        return Mono.fromFuture(() -> ((RedisClient) client).connectAsync(StringCodec.UTF8, uri).toCompletableFuture())
                .doOnNext(c -> {
                    commands.set(c);
                    reactive.set(c.reactive());
                }).then();
    }

    private Mono<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (client instanceof RedisClusterClient cluster) {
            // Classic PUBLISH reaches every node of a cluster, so one subscription anywhere hears every instance.
            return Mono.fromFuture(() -> cluster.connectPubSubAsync(StringCodec.UTF8))
                    .map(c -> (StatefulRedisPubSubConnection<String, String>) c);
        }
        return Mono.fromFuture(() -> ((RedisClient) client).connectPubSubAsync(StringCodec.UTF8, uri)
                .toCompletableFuture());
    }

    /**
     * Another user of the pub/sub connection (its subscriptions are remade by Lettuce on reconnect): called once it is
     * connected, now if it already is.
     */
    public void onPubSub(Consumer<StatefulRedisPubSubConnection<String, String>> listener) {
        synchronized (pubSubListeners) {
            pubSubListeners.add(listener);
            StatefulRedisPubSubConnection<String, String> c = pubSub.get();
            if (c != null) {
                listener.accept(c);
            }
        }
    }

    /** Reactive commands, or an error while the first connection has not been made. */
    public Mono<RedisClusterReactiveCommands<String, String>> reactive() {
        RedisClusterReactiveCommands<String, String> c = reactive.get();
        return c == null ? Mono.error(new IllegalStateException("Redis not connected")) : Mono.just(c);
    }

    /**
     * Waits until {@code replicas} replicas of the node that holds {@code key} have every write this gateway sent to
     * that node (Redis {@code WAIT}), and answers how many did. In a cluster, the wait goes to that node's connection —
     * the one the write went over — so it covers the write.
     */
    public Mono<Long> waitForReplicas(String key, int replicas, Duration timeout) {
        StatefulConnection<String, String> c = commands.get();
        if (c == null) {
            return Mono.error(new IllegalStateException("Redis not connected"));
        }
        if (c instanceof io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, String> cluster) {
            var node = cluster.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot(key));
            if (node == null) {
                return Mono.error(new IllegalStateException("no cluster node serves the key's slot"));
            }
            return Mono.fromFuture(() -> cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
                            .toCompletableFuture())
                    .flatMap(n -> n.reactive().waitForReplication(replicas, timeout.toMillis()));
        }
        return ((io.lettuce.core.api.StatefulRedisConnection<String, String>) c).reactive()
                .waitForReplication(replicas, timeout.toMillis());
    }

    /** Lettuce's connection events (reconnect attempts and their delays, connects, disconnects). */
    public EventBus events() {
        return resources.eventBus();
    }

    public boolean connected() {
        StatefulConnection<String, String> c = commands.get();
        StatefulRedisPubSubConnection<String, String> p = pubSub.get();
        return c != null && c.isOpen() && p != null && p.isOpen();
    }

    @Override
    public void close() {
        if (connecting != null) {
            connecting.dispose();
        }
        StatefulConnection<String, String> c = commands.get();
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
