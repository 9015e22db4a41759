package dev.tollgate.gateway.decisionlog;

import java.time.Instant;
import java.util.List;

/**
 * One line of the decision log: what was asked, who asked, what was decided and why. Credentials appear only as
 * references (token hash, jti, DPoP key thumbprint, certificate thumbprint), never raw.
 *
 * @param effect       {@code ALLOW}, {@code DENY} or {@code ERROR}
 * @param status       the HTTP status the caller got: for an allowed request, the upstream's final status (or the
 *                     gateway's 502/504); {@code null} when the caller went away before an answer
 * @param reason       stable code of what decided ({@code policy.permit}, {@code token.expired}, {@code tenant.mismatch})
 * @param failureMode  the failure mode taken when a dependency was down ({@code null} when none)
 * @param cache        where the decision came from: {@code L1}, {@code L2}, {@code MISS}, or {@code null} when no policy ran
 * @param errors       policy conditions that failed to evaluate ({@code rule-id: message}); their rules did not apply
 * @param caller       who asked for the decision when it is not the principal itself: the PEP (the mTLS caller of the
 *                     AuthZEN endpoint) for a PDP evaluation; {@code null} for requests through a route
 * @param actors       for a delegated call, who acted for the principal (RFC 8693 {@code act}), current actor first
 * @param mcpMethod    on an MCP route, the JSON-RPC method decided ({@code tools/call}); {@code null} elsewhere
 * @param mcpName      the tool or prompt name, or resource URI, the MCP call named ({@code null} when none)
 */
public record DecisionEvent(String decisionId, Instant time, String route, String tenant, String principal,
                            String trustDomain, String method, String path, String effect, Integer status, String reason,
                            List<String> decidingRules, String revision, List<String> credentials, String tokenId,
                            String jti, String jkt, String x5t, String failureMode, boolean degraded, String cache,
                            List<String> errors, long latencyMicros, String caller, List<String> actors,
                            String mcpMethod, String mcpName) {

    public DecisionEvent {
        actors = actors == null ? List.of() : actors;
    }

    /**
     * Starts an event with its id and time; the rest is set by name, and what is not set is absent ({@code null}, an
     * empty list, {@code false}, 0). Each writer of the log names only the fields it knows: a request refused before
     * routing has no tenant, principal or cache.
     */
    public static Builder of(String decisionId, Instant time) {
        return new Builder(decisionId, time);
    }

    /** A decision event by field name: {@link #outcome} is required, the rest optional. */
    public static final class Builder {

        private final String decisionId;
        private final Instant time;
        private String route;
        private String tenant;
        private String principal;
        private String trustDomain;
        private String method;
        private String path;
        private String effect;
        private Integer status;
        private String reason;
        private List<String> decidingRules = List.of();
        private String revision;
        private List<String> credentials = List.of();
        private String tokenId;
        private String jti;
        private String jkt;
        private String x5t;
        private String failureMode;
        private boolean degraded;
        private String cache;
        private List<String> errors = List.of();
        private long latencyMicros;
        private String caller;
        private List<String> actors = List.of();
        private String mcpMethod;
        private String mcpName;

        private Builder(String decisionId, Instant time) {
            this.decisionId = decisionId;
            this.time = time;
        }

        /** What was decided: {@code ALLOW}, {@code DENY} or {@code ERROR}, the status the caller got, and why. */
        public Builder outcome(String effect, Integer status, String reason) {
            this.effect = effect;
            this.status = status;
            this.reason = reason;
            return this;
        }

        public Builder route(String route) {
            this.route = route;
            return this;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder principal(String id, String trustDomain) {
            this.principal = id;
            this.trustDomain = trustDomain;
            return this;
        }

        public Builder request(String method, String path) {
            this.method = method;
            this.path = path;
            return this;
        }

        /** The rules that decided, and the policy revision they belong to. */
        public Builder decidedBy(List<String> decidingRules, String revision) {
            this.decidingRules = decidingRules;
            this.revision = revision;
            return this;
        }

        /** The credentials presented ({@code jwt}, {@code mtls}, {@code dpop}). */
        public Builder credentials(List<String> credentials) {
            this.credentials = credentials;
            return this;
        }

        /** References to the credentials, never the credentials: token hash, jti, DPoP key and certificate thumbprints. */
        public Builder credentialReferences(String tokenId, String jti, String jkt, String x5t) {
            this.tokenId = tokenId;
            this.jti = jti;
            this.jkt = jkt;
            this.x5t = x5t;
            return this;
        }

        public Builder failureMode(String failureMode, boolean degraded) {
            this.failureMode = failureMode;
            this.degraded = degraded;
            return this;
        }

        public Builder cache(String cache) {
            this.cache = cache;
            return this;
        }

        public Builder errors(List<String> errors) {
            this.errors = errors;
            return this;
        }

        public Builder latencyMicros(long latencyMicros) {
            this.latencyMicros = latencyMicros;
            return this;
        }

        public Builder caller(String caller) {
            this.caller = caller;
            return this;
        }

        public Builder actors(List<String> actors) {
            this.actors = actors;
            return this;
        }

        public Builder mcp(String method, String name) {
            this.mcpMethod = method;
            this.mcpName = name;
            return this;
        }

        public DecisionEvent build() {
            if (effect == null) {
                throw new IllegalStateException("a decision event needs its outcome");
            }
            return new DecisionEvent(decisionId, time, route, tenant, principal, trustDomain, method, path, effect,
                    status, reason, decidingRules, revision, credentials, tokenId, jti, jkt, x5t, failureMode, degraded,
                    cache, errors, latencyMicros, caller, actors, mcpMethod, mcpName);
        }
    }
}
