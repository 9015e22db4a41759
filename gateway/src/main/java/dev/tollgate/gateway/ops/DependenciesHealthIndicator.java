package dev.tollgate.gateway.ops;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.revocation.RevocationStore;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health and readiness follow the dependency guards: an open breaker, or a revocation list that cannot be confirmed
 * current, makes the instance not ready (a balancer should prefer its peers), and it becomes ready again by itself
 * when the dependency returns. Liveness is not affected: restarting would not help.
 */
public class DependenciesHealthIndicator implements HealthIndicator {

    private final DependencyRegistry dependencies;
    private final RevocationStore revocations;

    public DependenciesHealthIndicator(DependencyRegistry dependencies, RevocationStore revocations) {
        this.dependencies = dependencies;
        this.revocations = revocations;
    }

    @Override
    public Health health() {
        Map<String, String> states = dependencies.states();
        long stale = revocations.check(null, null, null, null, null).staleMillis();
        boolean open = states.values().stream().anyMatch("OPEN"::equals);
        Health.Builder health = open || stale > 0 ? Health.down() : Health.up();
        return health.withDetail("breakers", states).withDetail("revocationsStaleMillis", stale).build();
    }
}
