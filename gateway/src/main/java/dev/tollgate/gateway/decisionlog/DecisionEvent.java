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

    /** An event about a direct, non-MCP request. */
    public DecisionEvent(String decisionId, Instant time, String route, String tenant, String principal,
                         String trustDomain, String method, String path, String effect, Integer status, String reason,
                         List<String> decidingRules, String revision, List<String> credentials, String tokenId,
                         String jti, String jkt, String x5t, String failureMode, boolean degraded, String cache,
                         List<String> errors, long latencyMicros, String caller) {
        this(decisionId, time, route, tenant, principal, trustDomain, method, path, effect, status, reason,
                decidingRules, revision, credentials, tokenId, jti, jkt, x5t, failureMode, degraded, cache, errors,
                latencyMicros, caller, List.of(), null, null);
    }
}
