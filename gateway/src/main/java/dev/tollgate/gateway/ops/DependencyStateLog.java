package dev.tollgate.gateway.ops;

import dev.tollgate.fallback.DependencyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line each time a dependency's circuit breaker changes state. An open breaker makes every call to that
 * dependency fail at once, and routes meet their failure mode (a fail-closed route answers 503) for as long as it
 * stays open: the operator reading those 503s needs to see when and for which dependency that began and ended.
 */
public final class DependencyStateLog implements DependencyListener {

    private static final Logger log = LoggerFactory.getLogger(DependencyStateLog.class);

    @Override
    public void stateChanged(String dependency, String state) {
        switch (state) {
            case "OPEN", "FORCED_OPEN" -> log.warn("dependency {}: circuit breaker {}: calls to it fail at once, and"
                    + " routes apply their failure mode until it half-opens", dependency, state);
            case "HALF_OPEN" -> log.info("dependency {}: circuit breaker HALF_OPEN: trying a few calls", dependency);
            default -> log.info("dependency {}: circuit breaker {}", dependency, state);
        }
    }
}
