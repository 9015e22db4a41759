package dev.tollgate.gateway.route;

import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/**
 * The per-route filter that makes a route a Tollgate route: authenticate, bind, check the tenant, authorize, record,
 * forward. Configured like any Spring Cloud Gateway filter:
 * <pre>
 * filters:
 *   - Tollgate=acme, mtls+jwt                 # shortcut: tenant, requires
 *   - name: Tollgate                          # or in full
 *     args: { tenant: acme, requires: mtls+jwt, forward-credentials: false }
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

        RouteSecurity toRouteSecurity() {
            return new RouteSecurity(tenant, CredentialRequirement.parse(requires), forwardCredentials);
        }
    }
}
