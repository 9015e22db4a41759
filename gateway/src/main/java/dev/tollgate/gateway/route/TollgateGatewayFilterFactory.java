package dev.tollgate.gateway.route;

import dev.tollgate.fallback.FailureMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/**
 * The per-route filter that makes a route a Tollgate route: authenticate, bind, check the tenant, authorize, record,
 * forward. Configured like any Spring Cloud Gateway filter:
 * <pre>
 * filters:
 *   - Tollgate=acme, mtls+jwt                 # shortcut: tenant, requires
 *   - name: Tollgate                          # or in full
 *     args:
 *       tenant: acme
 *       requires: mtls+jwt
 *       failure-mode: degrade               # default: fail-closed
 *       dpop: optional                      # required | optional | disabled (default: disabled)
 *       dpop-nonce: true                    # proofs must carry a server nonce
 *       degrade: { serve-stale-decisions: 2m, safe-methods-only: true }
 * </pre>
 */
public class TollgateGatewayFilterFactory extends AbstractGatewayFilterFactory<TollgateGatewayFilterFactory.Config> {

    private final TollgateFilter.Collaborators collaborators;

    public TollgateGatewayFilterFactory(TollgateFilter.Collaborators collaborators) {
        super(Config.class);
        this.collaborators = collaborators;
    }

    @Override
    public String name() {
        return "Tollgate";
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("tenant", "requires");
    }

    @Override
    public GatewayFilter apply(Config config) {
        return new TollgateFilter(config.toRouteSecurity(), collaborators);
    }

    /** The route's arguments as bound from YAML; validated into a {@link RouteSecurity}. */
    public static class Config {
        private String tenant;
        private String requires = "mtls+jwt";
        private boolean forwardCredentials;
        private String failureMode = "fail-closed";
        private Degrade degrade = new Degrade();
        private Duration retryAfter;
        private String dpop;
        private boolean dpopNonce;

        public String getDpop() {
            return dpop;
        }

        public void setDpop(String dpop) {
            this.dpop = dpop;
        }

        public boolean isDpopNonce() {
            return dpopNonce;
        }

        public void setDpopNonce(boolean dpopNonce) {
            this.dpopNonce = dpopNonce;
        }

        public String getTenant() {
            return tenant;
        }

        public void setTenant(String tenant) {
            this.tenant = tenant;
        }

        public String getRequires() {
            return requires;
        }

        public void setRequires(String requires) {
            this.requires = requires;
        }

        public boolean isForwardCredentials() {
            return forwardCredentials;
        }

        public void setForwardCredentials(boolean forwardCredentials) {
            this.forwardCredentials = forwardCredentials;
        }

        public String getFailureMode() {
            return failureMode;
        }

        public void setFailureMode(String failureMode) {
            this.failureMode = failureMode;
        }

        public Degrade getDegrade() {
            return degrade;
        }

        public void setDegrade(Degrade degrade) {
            this.degrade = degrade;
        }

        public Duration getRetryAfter() {
            return retryAfter;
        }

        public void setRetryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        public RouteSecurity toRouteSecurity() {
            return new RouteSecurity(tenant, CredentialRequirement.parse(requires), forwardCredentials, mode(),
                    dev.tollgate.gateway.dpop.DPoPMode.parse(dpop), dpopNonce);
        }

        private FailureMode mode() {
            return switch (failureMode == null ? "fail-closed" : failureMode.trim().toLowerCase(Locale.ROOT)) {
                case "fail-closed" -> new FailureMode.FailClosed(retryAfter);
                case "degrade" -> new FailureMode.Degrade(degrade.serveStaleDecisions, degrade.localReplayStore,
                        degrade.safeMethodsOnly, Set.copyOf(degrade.principals), retryAfter);
                default -> throw new IllegalArgumentException("Tollgate filter: failure-mode must be fail-closed or"
                        + " degrade, not '" + failureMode + "'");
            };
        }
    }

    /** What a {@code degrade} failure mode allows; see fallback/FAILURE-MODES.md. */
    public static class Degrade {
        private Duration serveStaleDecisions;
        private boolean localReplayStore;
        private boolean safeMethodsOnly;
        private List<String> principals = new ArrayList<>();

        public Duration getServeStaleDecisions() {
            return serveStaleDecisions;
        }

        public void setServeStaleDecisions(Duration serveStaleDecisions) {
            this.serveStaleDecisions = serveStaleDecisions;
        }

        public boolean isLocalReplayStore() {
            return localReplayStore;
        }

        public void setLocalReplayStore(boolean localReplayStore) {
            this.localReplayStore = localReplayStore;
        }

        public boolean isSafeMethodsOnly() {
            return safeMethodsOnly;
        }

        public void setSafeMethodsOnly(boolean safeMethodsOnly) {
            this.safeMethodsOnly = safeMethodsOnly;
        }

        public List<String> getPrincipals() {
            return principals;
        }

        public void setPrincipals(List<String> principals) {
            this.principals = principals;
        }
    }
}
