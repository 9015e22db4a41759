package dev.tollgate.gateway.ops;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.revocation.RevocationStore;
import dev.tollgate.gateway.token.IssuerKeys;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health and readiness follow the dependency guards: an open breaker, a revocation list that cannot be confirmed
 * current, or a token issuer without usable keys makes the instance not ready (a balancer should prefer its peers), and it becomes ready again by itself
 * when the dependency returns. Liveness is not affected: restarting would not help.
 */
public class DependenciesHealthIndicator implements HealthIndicator {

    private final DependencyRegistry dependencies;
    private final RevocationStore revocations;
    private final List<IssuerKeys> issuers;

    public DependenciesHealthIndicator(DependencyRegistry dependencies, RevocationStore revocations,
                                       List<IssuerKeys> issuers) {
        this.dependencies = dependencies;
        this.revocations = revocations;
        this.issuers = List.copyOf(issuers);
    }

    @Override
    public Health health() {
        Map<String, String> states = dependencies.states();
        long stale = revocations.check(null, null, null, null, null).staleMillis();
        boolean open = states.values().stream().anyMatch("OPEN"::equals);
        // Every token route accepts every configured issuer, so one issuer without keys is a route that cannot work.
        List<String> withoutKeys = issuers.stream().filter(k -> !k.hasKeys()).map(IssuerKeys::issuer).toList();
        Health.Builder health = open || stale > 0 || !withoutKeys.isEmpty() ? Health.down() : Health.up();
        return health.withDetail("breakers", states).withDetail("revocationsStaleMillis", stale)
                .withDetail("issuersWithoutKeys", withoutKeys).build();
    }
}
