package dev.tollgate.gateway.ops;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.revocation.RevocationStore;
import dev.tollgate.gateway.token.IssuerKeys;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health and readiness follow the dependency guards: an open breaker, a revocation list that cannot be confirmed
 * current, a token issuer without usable keys, or a decision log that cannot be written while it is required
 * ({@code overflow: refuse}, so enforcing routes answer 503) makes the instance not ready (a balancer should prefer its
 * peers), and it becomes ready again by itself when the dependency returns. Liveness is not affected: restarting would
 * not help.
 */
public class DependenciesHealthIndicator implements HealthIndicator {

    private final DependencyRegistry dependencies;
    private final RevocationStore revocations;
    private final List<IssuerKeys> issuers;
    private final DecisionLog decisionLog;

    public DependenciesHealthIndicator(DependencyRegistry dependencies, RevocationStore revocations,
                                       List<IssuerKeys> issuers, DecisionLog decisionLog) {
        this.dependencies = dependencies;
        this.revocations = revocations;
        this.issuers = List.copyOf(issuers);
        this.decisionLog = decisionLog;
    }

    @Override
    public Health health() {
        Map<String, String> states = dependencies.states();
        long stale = revocations.check(null, null, null, null, null).staleMillis();
        boolean open = states.values().stream().anyMatch("OPEN"::equals);
        // Every token route accepts every configured issuer, so one issuer without keys is a route that cannot work.
        List<String> withoutKeys = issuers.stream().filter(k -> !k.hasKeys()).map(IssuerKeys::issuer).toList();
        boolean logFailing = decisionLog.failing();
        boolean logRequired = decisionLog.overflow() == DecisionLog.Overflow.REFUSE;
        Health.Builder health = open || stale > 0 || !withoutKeys.isEmpty() || (logFailing && logRequired)
                ? Health.down() : Health.up();
        return health.withDetail("breakers", states).withDetail("revocationsStaleMillis", stale)
                .withDetail("issuersWithoutKeys", withoutKeys)
                .withDetail("decisionLog", logFailing ? "failing" : "writing").build();
    }
}
