package dev.tollgate.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.ops.FleetRegistry;
import dev.tollgate.gateway.testsupport.MovableClock;
import dev.tollgate.gateway.testsupport.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 2: the fleet view — every instance reports its active revisions to Redis; the view lists the
 * instances heard from lately and says whether they all run the same revisions. A real Redis.
 */
class FleetRegistryTest {

    @Test
    void theFleetConvergesWhenEveryInstanceRunsTheSameRevisionsAndForgetsSilentOnes() {
        String prefix = TestRedis.uniquePrefix();
        MovableClock clock = new MovableClock(Instant.now());
        AtomicReference<Map<String, String>> a = new AtomicReference<>(Map.of("acme", "rev-1"));
        AtomicReference<Map<String, String>> b = new AtomicReference<>(Map.of("acme", "rev-1"));
        try (RedisAccess redis = new RedisAccess(TestRedis.uri(), Duration.ofSeconds(1))) {
            redis.start(c -> { });
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!redis.connected() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            FleetRegistry one = new FleetRegistry("gw-1", a::get, () -> "bundle-x", redis,
                    prefix, Duration.ofSeconds(5), clock);
            FleetRegistry two = new FleetRegistry("gw-2", b::get, () -> null, redis,
                    prefix, Duration.ofSeconds(5), clock);
            one.report().block(Duration.ofSeconds(2));
            two.report().block(Duration.ofSeconds(2));
            FleetRegistry.View view = one.view().block(Duration.ofSeconds(2));
            assertThat(view.instances()).extracting(FleetRegistry.Instance::id).containsExactly("gw-1", "gw-2");
            assertThat(view.converged()).isTrue();

            b.set(Map.of("acme", "rev-2"));
            two.report().block(Duration.ofSeconds(2));
            assertThat(one.view().block(Duration.ofSeconds(2)).converged()).as("gw-2 runs rev-2").isFalse();
            assertThat(FleetRegistry.toJson(one.view().block(Duration.ofSeconds(2))))
                    .contains("\"converged\":false").contains("\"bundle\":\"bundle-x\"").contains("rev-2");

            // gw-2 goes silent: after three intervals it is no longer part of the fleet.
            clock.advance(Duration.ofSeconds(16));
            one.report().block(Duration.ofSeconds(2));
            FleetRegistry.View later = one.view().block(Duration.ofSeconds(2));
            assertThat(later.instances()).extracting(FleetRegistry.Instance::id).containsExactly("gw-1");
            assertThat(later.converged()).isTrue();
        }
    }
}
