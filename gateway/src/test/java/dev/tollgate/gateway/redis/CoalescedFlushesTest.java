package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.Conditions;
import dev.tollgate.gateway.testsupport.RedisProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/**
 * The commands an event loop issues in one pass reach Redis in one write, not one write per command: counted by a
 * Redis of the test's own ({@code total_reads_processed}, the reads the server did on its client sockets), so
 * nothing else's traffic is in the count.
 */
class CoalescedFlushesTest {

    @Test
    void commandsIssuedInOnePassOfTheLoopLeaveInOneWrite() throws Exception {
        int commands = 50;
        LoopResources loops = LoopResources.create("test-io", 1, true);
        try (RedisProcess redis = new RedisProcess().start()) {
            RedisAccess access = new RedisAccess(redis.uri(), Duration.ofSeconds(2), Duration.ofMillis(200), loops);
            try {
                access.start(pubSub -> { });
                Conditions.await(access::connected);
                long before = readsProcessed(access);
                // As requests served in one pass would: each issues its own GET from the loop.
                var onTheLoop = Schedulers.fromExecutor(loops.onServer(true).next());
                Mono.defer(() -> access.reactive().flatMap(r -> Flux.range(0, commands)
                                .flatMap(i -> r.get("coalesced-flushes-test:" + i).defaultIfEmpty(""), commands)
                                .count()))
                        .subscribeOn(onTheLoop)
                        .block(Duration.ofSeconds(5));
                long reads = readsProcessed(access) - before;
                // The INFO commands around it are a read each; the 50 GETs should add one or two, not fifty.
                assertThat(reads).as("server reads for %d GETs issued in one pass", commands).isLessThanOrEqualTo(4);
            } finally {
                access.close();
            }
        } finally {
            loops.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private static long readsProcessed(RedisAccess access) {
        String info = access.reactive().flatMap(r -> r.info("stats")).block(Duration.ofSeconds(2));
        return info.lines().filter(l -> l.startsWith("total_reads_processed:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }
}
