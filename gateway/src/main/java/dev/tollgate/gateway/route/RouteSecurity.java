package dev.tollgate.gateway.route;

import dev.tollgate.fallback.FailureMode;
import dev.tollgate.gateway.dpop.DPoPMode;
import dev.tollgate.gateway.mcp.McpRoute;
import java.util.Objects;

/**
 * What a route demands of its callers, parsed and validated from the route's {@code Tollgate} filter arguments.
 * Built once per route at start-up or route refresh: a bad value fails there, never per request.
 *
 * @param tenant             the tenant that owns the route's resources; a principal of another tenant is denied
 * @param requires           which credentials must be presented ({@code mtls+jwt}, ...)
 * @param forwardCredentials keep {@code Authorization}/{@code DPoP} on the proxied request (default: stripped)
 * @param failureMode        what to do when a dependency the route needs is down (default: fail closed)
 * @param dpop               DPoP required, optional or disabled (default: required when {@code requires} names
 *                           {@code dpop}, else disabled)
 * @param dpopNonce          proofs must carry a server nonce ({@code DPoP-Nonce})
 * @param transactionToken   replace the inbound credential with a gateway-minted transaction token ({@code Txn-Token})
 * @param mcp                the route fronts an MCP server: each JSON-RPC message is decided ({@code null}: an HTTP
 *                           route, decided by method and path)
 */
public record RouteSecurity(String tenant, CredentialRequirement requires, boolean forwardCredentials,
                            FailureMode failureMode, DPoPMode dpop, boolean dpopNonce, boolean transactionToken,
                            McpRoute mcp) {

    public RouteSecurity(String tenant, CredentialRequirement requires, boolean forwardCredentials,
                         FailureMode failureMode) {
        this(tenant, requires, forwardCredentials, failureMode, null, false);
    }

    public RouteSecurity(String tenant, CredentialRequirement requires, boolean forwardCredentials,
                         FailureMode failureMode, DPoPMode dpop, boolean dpopNonce) {
        this(tenant, requires, forwardCredentials, failureMode, dpop, dpopNonce, false, null);
    }

    public RouteSecurity {
        Objects.requireNonNull(tenant, "tenant");
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("Tollgate filter: 'tenant' is required");
        }
        failureMode = failureMode == null ? FailureMode.FAIL_CLOSED : failureMode;
        if (dpop == null) {
            dpop = requires.dpop() ? DPoPMode.REQUIRED : DPoPMode.DISABLED;
        } else if (requires.dpop() && dpop != DPoPMode.REQUIRED) {
            throw new IllegalArgumentException("Tollgate filter: requires '" + requires + "' names dpop, but dpop is "
                    + dpop);
        }
        if (mcp != null && forwardCredentials) {
            // MCP's authorization spec: a server must not pass the client's token through; nor does its gateway.
            throw new IllegalArgumentException("Tollgate filter: an mcp route never forwards the client's credentials"
                    + " (forward-credentials: true is refused)");
        }
        if (transactionToken && forwardCredentials) {
            throw new IllegalArgumentException("Tollgate filter: transaction-token replaces the inbound credential;"
                    + " it cannot be combined with forward-credentials: true");
        }
        if (dpopNonce && !dpop.accepted()) {
            throw new IllegalArgumentException("Tollgate filter: dpop-nonce needs dpop required or optional");
        }
    }
}
