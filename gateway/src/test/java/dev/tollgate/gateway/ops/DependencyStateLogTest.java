package dev.tollgate.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.fallback.Dependency;
import dev.tollgate.fallback.DependencyListener;
import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.fallback.DependencySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Mono;

@ExtendWith(OutputCaptureExtension.class)
class DependencyStateLogTest {

    /** A breaker that opens is logged (and still counted): the 503s it causes have a line that names their cause. */
    @Test
    void aBreakerThatOpensIsLoggedWithItsDependency(CapturedOutput output) {
        List<String> seen = new ArrayList<>();
        DependencyListener counting = new DependencyListener() {
            @Override
            public void stateChanged(String dependency, String state) {
                seen.add(dependency + " " + state);
            }
        };
        DependencySettings quick = new DependencySettings(null, Duration.ofSeconds(1), 50, null, 2, 2,
                Duration.ofMinutes(1), null, null);
        DependencyRegistry registry = new DependencyRegistry(Map.of(), Map.of("redis", quick),
                DependencyListener.all(counting, new DependencyStateLog()));
        Dependency redis = registry.dependency("redis");

        for (int i = 0; i < 2; i++) {
            redis.call(() -> Mono.error(new IllegalStateException("connection refused"))).onErrorComplete().block();
        }

        assertThat(seen).containsExactly("redis OPEN");
        assertThat(output.getOut()).contains("WARN").contains("dependency redis: circuit breaker OPEN");
    }
}
