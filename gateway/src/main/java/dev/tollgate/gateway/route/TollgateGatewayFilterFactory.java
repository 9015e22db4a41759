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
 *       transaction-token: true             # the upstream gets a signed Txn-Token instead of the credential
 *       mcp: { server: weather, resource: https://api.example.com/mcp/weather }   # an MCP server (MCP.md)
 * </pre>
 */
public class TollgateGatewayFilterFactory extends AbstractGatewayFilterFactory<TollgateGatewayFilterFactory.Config> {

    private final TollgateFilter.Collaborators collaborators;
    private final dev.tollgate.gateway.mcp.ProtectedResourceMetadata metadata;
    private final List<String> dpopAlgorithms;
    private final dev.tollgate.gateway.upstream.UpstreamTls upstreamTls;

    public TollgateGatewayFilterFactory(TollgateFilter.Collaborators collaborators) {
        this(collaborators, new dev.tollgate.gateway.mcp.ProtectedResourceMetadata(), List.of());
    }

    /** {@code metadata} receives each MCP route's RFC 9728 document as the route is built. */
    public TollgateGatewayFilterFactory(TollgateFilter.Collaborators collaborators,
                                        dev.tollgate.gateway.mcp.ProtectedResourceMetadata metadata,
                                        List<String> dpopAlgorithms) {
        this(collaborators, metadata, dpopAlgorithms, new dev.tollgate.gateway.upstream.UpstreamTls(null,
                () -> null));
    }

    /** {@code upstreamTls}: the TLS clients of routes that pin their upstream's SPIFFE ID. */
    public TollgateGatewayFilterFactory(TollgateFilter.Collaborators collaborators,
                                        dev.tollgate.gateway.mcp.ProtectedResourceMetadata metadata,
                                        List<String> dpopAlgorithms,
                                        dev.tollgate.gateway.upstream.UpstreamTls upstreamTls) {
        super(Config.class);
        this.upstreamTls = upstreamTls;
        this.collaborators = collaborators;
        this.metadata = metadata;
        this.dpopAlgorithms = List.copyOf(dpopAlgorithms);
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
        RouteSecurity route = config.toRouteSecurity();
        if (route.mcp() != null) {
            metadata.register(route.mcp(), new dev.tollgate.gateway.mcp.ProtectedResourceMetadata.Presentation(
                    route.dpop().accepted() ? dpopAlgorithms : List.of(),
                    route.dpop() == dev.tollgate.gateway.dpop.DPoPMode.REQUIRED, route.requires().certBound()));
        }
        GatewayFilter filter = new TollgateFilter(route, collaborators);
        if (config.getUpstream() != null) {
            // The upstream must prove this SPIFFE ID over mutual TLS (UpstreamRoutingFilter reads the attribute).
            dev.tollgate.policy.SpiffeId peer = upstreamTls.pin(config.getUpstream().getSpiffeId());
            GatewayFilter gate = filter;
            filter = (exchange, chain) -> {
                exchange.getAttributes().put(dev.tollgate.gateway.upstream.UpstreamTls.PEER, peer);
                return gate.filter(exchange, chain);
            };
        }
        if (route.mcp() != null) {
            // An MCP route may filter the server's list answers: like SCG's ModifyResponseBody, its response decorator
            // must be in place before NettyWriteResponseFilter (order -1) writes the upstream's answer.
            return new org.springframework.cloud.gateway.filter.OrderedGatewayFilter(filter,
                    org.springframework.cloud.gateway.filter.NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1);
        }
        return filter;
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
        private Mcp mcp;
        private boolean transactionToken;
        private Upstream upstream;

        public Upstream getUpstream() {
            return upstream;
        }

        public void setUpstream(Upstream upstream) {
            this.upstream = upstream;
        }

        public boolean isTransactionToken() {
            return transactionToken;
        }

        public void setTransactionToken(boolean transactionToken) {
            this.transactionToken = transactionToken;
        }

        public Mcp getMcp() {
            return mcp;
        }

        public void setMcp(Mcp mcp) {
            this.mcp = mcp;
        }

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
                    dev.tollgate.gateway.dpop.DPoPMode.parse(dpop), dpopNonce, transactionToken,
                    mcp == null ? null : mcp.toRoute());
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

    /** The route's upstream, authenticated over mutual TLS; see gateway/CONFIGURATION.md. */
    public static class Upstream {
        private String spiffeId;

        /** The SPIFFE ID the upstream's X.509-SVID must carry (the route's uri must be https). */
        public String getSpiffeId() {
            return spiffeId;
        }

        public void setSpiffeId(String spiffeId) {
            this.spiffeId = spiffeId;
        }
    }

    /** An MCP route's settings; see gateway/MCP.md. */
    public static class Mcp {
        private String server;
        private java.net.URI resource;
        private List<String> authorizationServers = new ArrayList<>();
        private List<String> scopesSupported = new ArrayList<>();
        private org.springframework.util.unit.DataSize maxBody = org.springframework.util.unit.DataSize.ofMegabytes(1);
        private int maxDepth = 32;
        private int maxBatch = 32;
        private org.springframework.util.unit.DataSize maxListResponse =
                org.springframework.util.unit.DataSize.ofMegabytes(4);

        dev.tollgate.gateway.mcp.McpRoute toRoute() {
            return new dev.tollgate.gateway.mcp.McpRoute(server, resource, authorizationServers, scopesSupported,
                    (int) Math.min(Integer.MAX_VALUE, maxBody.toBytes()), maxDepth, maxBatch,
                    (int) Math.min(Integer.MAX_VALUE, maxListResponse.toBytes()));
        }

        public String getServer() {
            return server;
        }

        public void setServer(String server) {
            this.server = server;
        }

        public java.net.URI getResource() {
            return resource;
        }

        public void setResource(java.net.URI resource) {
            this.resource = resource;
        }

        public List<String> getAuthorizationServers() {
            return authorizationServers;
        }

        public void setAuthorizationServers(List<String> authorizationServers) {
            this.authorizationServers = authorizationServers;
        }

        public List<String> getScopesSupported() {
            return scopesSupported;
        }

        public void setScopesSupported(List<String> scopesSupported) {
            this.scopesSupported = scopesSupported;
        }

        public org.springframework.util.unit.DataSize getMaxBody() {
            return maxBody;
        }

        public void setMaxBody(org.springframework.util.unit.DataSize maxBody) {
            this.maxBody = maxBody;
        }

        public int getMaxDepth() {
            return maxDepth;
        }

        public void setMaxDepth(int maxDepth) {
            this.maxDepth = maxDepth;
        }

        public int getMaxBatch() {
            return maxBatch;
        }

        public void setMaxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
        }

        public org.springframework.util.unit.DataSize getMaxListResponse() {
            return maxListResponse;
        }

        public void setMaxListResponse(org.springframework.util.unit.DataSize maxListResponse) {
            this.maxListResponse = maxListResponse;
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
