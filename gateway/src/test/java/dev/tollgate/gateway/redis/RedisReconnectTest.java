package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.RedisProcess;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * After a long outage Redis must be used again soon after it returns. With Lettuce's default backoff (doubling to
 * 30 s) the twelfth failed attempt is followed by a ~4 s wait, so this test fails without the configured cap; that is
 * what kept every fail-closed route answering 503 on a slow CI machine after Redis had been restarted.
 */
class RedisReconnectTest {

    private static final Duration CAP = Duration.ofMillis(200);

    @Test
    void aLongOutageDoesNotPushTheNextReconnectBeyondTheCap() throws Exception {
        RedisProcess redis = new RedisProcess().start();
        RedisAccess access = new RedisAccess(redis.uri(), Duration.ofMillis(500), CAP);
        List<Duration> delays = new CopyOnWriteArrayList<>();
        CountDownLatch twelveAttempts = new CountDownLatch(1);
        Disposable events = access.events().get().ofType(ReconnectAttemptEvent.class).subscribe(e -> {
            delays.add(e.getDelay());
            if (e.getAttempt() >= 12) { // attempts are numbered per connection (commands, pub/sub)
                twelveAttempts.countDown();
            }
        });
        try {
            access.start(pubSub -> { });
            assertThat(within(Duration.ofSeconds(10), access::connected)).as("first connection").isTrue();

            redis.kill();
            assertThat(twelveAttempts.await(20, TimeUnit.SECONDS)).as("reconnect attempts while Redis is away")
                    .isTrue();
            assertThat(access.connected()).isFalse();
            assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(CAP));

            redis.start();
            assertThat(within(CAP.plusSeconds(1), access::connected)).as("reconnected soon after Redis returned")
                    .isTrue();
            assertThat(access.reactive().flatMap(r -> r.ping()).block(Duration.ofSeconds(1))).isEqualTo("PONG");
        } finally {
            events.dispose();
            access.close();
            redis.close();
        }
    }

    /**
     * A reconnection that reaches something which accepts the connection but never answers the handshake (a Redis
     * still starting, an answer lost in the restart) must be given up and retried soon. With Lettuce's default the
     * handshake waits 60 s, and the instance stays disconnected that long after Redis is back (seen in CI as a
     * revocation view that never noticed the restart).
     */
    @Test
    void aReconnectionWhoseHandshakeIsNeverAnsweredIsRetried() throws Exception {
        RedisProcess redis = new RedisProcess().start();
        Duration commandTimeout = Duration.ofMillis(300);
        RedisAccess access = new RedisAccess(redis.uri(), commandTimeout, CAP);
        List<java.net.Socket> held = new CopyOnWriteArrayList<>();
        try (java.net.ServerSocket silent = new java.net.ServerSocket()) {
            access.start(pubSub -> { });
            assertThat(within(Duration.ofSeconds(10), access::connected)).as("first connection").isTrue();

            redis.kill();
            silent.setReuseAddress(true);
            silent.bind(new java.net.InetSocketAddress("127.0.0.1", redis.port()));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never read, never answered
                    }
                } catch (java.io.IOException closed) {
                    // the listening socket was closed: the accepted ones stay open and silent
                }
            }, "silent-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            assertThat(within(Duration.ofSeconds(10), () -> held.size() >= 2))
                    .as("both connections reconnected to a peer that never answers").isTrue();

            silent.close();
            redis.start();
            assertThat(within(commandTimeout.multipliedBy(3).plusSeconds(3), access::connected))
                    .as("the unanswered handshakes were given up and Redis reached").isTrue();
            assertThat(access.reactive().flatMap(r -> r.ping()).block(Duration.ofSeconds(1))).isEqualTo("PONG");
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
            access.close();
            redis.close();
        }
    }

    @Test
    void onTheGatewaysEventLoopsACommandCompletesOnTheLoopThatServesTheRequest() {
        reactor.netty.resources.LoopResources loops = reactor.netty.resources.LoopResources.create("test-io", 1, true);
        RedisAccess access = new RedisAccess(dev.tollgate.gateway.testsupport.TestRedis.uri(), Duration.ofSeconds(1),
                CAP, loops);
        try {
            access.start(pubSub -> { });
            assertThat(within(Duration.ofSeconds(10), access::connected)).isTrue();
            // Issued from the loop (as a request would be), answered on it: no Lettuce thread in between.
            String thread = reactor.core.publisher.Mono.defer(() -> access.reactive().flatMap(r -> r.ping()))
                    .subscribeOn(reactor.core.scheduler.Schedulers.fromExecutor(loops.onServer(true).next()))
                    .map(pong -> Thread.currentThread().getName())
                    .block(Duration.ofSeconds(5));
            assertThat(thread).startsWith("test-io");
        } finally {
            access.close();
            loops.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }
}
