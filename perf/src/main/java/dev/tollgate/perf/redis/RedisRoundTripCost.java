package dev.tollgate.perf.redis;

import dev.tollgate.fallback.Dependency;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencySettings;
import dev.tollgate.gateway.ops.DependencyMetrics;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.support.EventLoopTimer;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/**
 * The gateway process's CPU per Redis round trip, by how the command is issued: what the L2 and Redis-replay rows of
 * issue 15 pay for Redis itself, without the rest of a request and without the load generator's noise.
 * <p>
 * Each path keeps {@code inflight} GETs outstanding; every answer issues the next command on the thread that read it
 * (a Tollgate event loop for the gateway's paths, as a request does), so the figure includes the event loop's passes
 * and system calls, shared by whatever else a pass serves. Paths, measured alternately:
 * <ul>
 *     <li>{@code raw}: the gateway's connection ({@link RedisAccess} lent this tool's event loops, as the gateway
 *     lends it its own), a reactive GET;</li>
 *     <li>{@code timeout}, {@code breaker}, {@code bulkhead}: the same with one of the guard's parts (the built-in
 *     template's time limit and bulkhead size; Resilience4j's default breaker, whose settings cost nothing per call);</li>
 *     <li>{@code guarded}: the same through the {@code redis} dependency guard, as the request path calls it;</li>
 *     <li>{@code lettuce-reactive}, {@code lettuce-async}: a plain Lettuce connection on Lettuce's own threads, the
 *     reactive API against {@code Mono.fromCompletionStage} of the asynchronous one.</li>
 * </ul>
 * {@code java -cp perf/target/classes:<runtime class path> dev.tollgate.perf.redis.RedisRoundTripCost
 * [redis-uri] [commands] [inflight] [repetitions] [paths]} (pin it with {@code taskset -c 0} as the gateway is).
 */
public final class RedisRoundTripCost {

    private static final String KEY = "tollgate-perf:round-trip";

    private RedisRoundTripCost() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int commands = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
        int inflight = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int repetitions = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        String[] paths = (args.length > 4 ? args[4] : "raw,timeout,breaker,bulkhead,guarded,lettuce-reactive,lettuce-async")
                .split(",");

        LoopResources loops = LoopResources.create("tollgate-perf", 1, true);
        RedisAccess access = new RedisAccess(uri, Duration.ofMillis(500), Duration.ofSeconds(1), loops);
        CountDownLatch connected = new CountDownLatch(1);
        access.start(c -> connected.countDown());
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Redis at " + uri + " did not answer within 10 s");
        }
        EventLoopTimer timer = new EventLoopTimer(loops.onServer(true), Schedulers::parallel);
        Dependency guard = new DependencyRegistry(Map.of(), Map.of(), new DependencyMetrics(new SimpleMeterRegistry()),
                timer).dependency("redis");
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("perf");
        Bulkhead bulkhead = Bulkhead.of("perf", BulkheadConfig.custom()
                .maxConcurrentCalls(DependencySettings.DEFAULTS.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO).build());
        RedisClient plain = RedisClient.create();
        plain.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build()).build());
        StatefulRedisConnection<String, String> lettuce = plain.connect(StringCodec.UTF8, RedisURI.create(uri));
        lettuce.sync().set(KEY, "{\"allowed\":true,\"rules\":[\"tenant/perf/allow-get\"],\"revision\":\"r42\"}");

        Map<String, Supplier<Mono<String>>> byName = Map.of(
                "raw", () -> access.reactive().flatMap(r -> r.get(KEY)),
                "timeout", () -> Mono.defer(() -> access.reactive().flatMap(r -> r.get(KEY)))
                        .timeout(DependencySettings.DEFAULTS.timeLimit(), timer),
                "breaker", () -> access.reactive().flatMap(r -> r.get(KEY))
                        .transformDeferred(CircuitBreakerOperator.of(breaker)),
                "bulkhead", () -> access.reactive().flatMap(r -> r.get(KEY))
                        .transformDeferred(BulkheadOperator.of(bulkhead)),
                "guarded", () -> guard.call(() -> access.reactive().flatMap(r -> r.get(KEY))),
                "lettuce-reactive", () -> lettuce.reactive().get(KEY),
                "lettuce-async", () -> Mono.fromCompletionStage(lettuce.async().get(KEY)));
        for (String path : paths) {
            if (!byName.containsKey(path)) {
                throw new IllegalArgumentException("unknown path " + path + "; known: " + byName.keySet());
            }
        }
        for (int warm = 0; warm < 3; warm++) {
            for (String path : paths) {
                cpuNanos(byName.get(path), commands, inflight);
            }
        }
        System.out.println("path\trepetition\tinflight\tcpu_us_per_command");
        for (int rep = 0; rep < repetitions; rep++) {
            for (int i = 0; i < paths.length; i++) {
                String path = paths[(i + rep) % paths.length]; // rotate, so no path always follows the same one
                System.gc();
                long cpu = cpuNanos(byName.get(path), commands, inflight);
                System.out.printf("%s\t%d\t%d\t%.2f%n", path, rep, inflight, cpu / 1000.0 / commands);
            }
        }
        lettuce.close();
        plain.shutdown();
        access.close();
        loops.disposeLater().block(Duration.ofSeconds(5));
        System.exit(0);
    }

    /** Process CPU while {@code commands} GETs run, {@code inflight} at a time; a failed command ends the run. */
    private static long cpuNanos(Supplier<Mono<String>> command, int commands, int inflight)
            throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (issued.incrementAndGet() > commands) {
                return;
            }
            command.get().subscribe(v -> { }, e -> {
                failure.compareAndSet(null, e);
                done.countDown();
            }, () -> {
                if (answered.incrementAndGet() == commands) {
                    done.countDown();
                } else {
                    next[0].run();
                }
            });
        };
        long start = os.getProcessCpuTime();
        for (int i = 0; i < inflight; i++) {
            next[0].run();
        }
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("a command failed, so the figure would be wrong", failure.get());
        }
        return os.getProcessCpuTime() - start;
    }
}
