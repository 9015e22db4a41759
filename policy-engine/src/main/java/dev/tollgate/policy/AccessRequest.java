package dev.tollgate.policy;

import java.time.Instant;
import java.util.Map;

/**
 * One question to the policy engine: may {@code principal} do {@code action} on {@code resource} in {@code tenant} now?
 *
 * @param tenant    the tenant whose policy set decides (the gateway has already checked it agrees with the principal)
 * @param principal the verified workload
 * @param action    an HTTP method ({@code GET}) or a named action
 * @param resource  the resource path ({@code /orders/42})
 * @param headers   request headers sent once, lower-case names (one sent on several lines is absent)
 * @param query     query parameters given once (one given more than once is absent: servers disagree on its value)
 * @param context   further attributes: route id, environment, task or change-ticket claims
 * @param time      the instant of the request; the engine never reads a clock of its own on this path
 * @param entities  the directory's entries for this principal and resource, when the tenant keeps its directory in a
 *                  store ({@code null}: not looked up; such a tenant then denies)
 */
public record AccessRequest(String tenant, Principal principal, String action, String resource,
                            Map<String, String> headers, Map<String, String> query,
                            Map<String, Object> context, Instant time, RequestEntities entities) {
    public AccessRequest {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        query = query == null ? Map.of() : Map.copyOf(query);
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    /** A request whose entity data, if any, is in the tenant's files. */
    public AccessRequest(String tenant, Principal principal, String action, String resource,
                         Map<String, String> headers, Map<String, String> query, Map<String, Object> context,
                         Instant time) {
        this(tenant, principal, action, resource, headers, query, context, time, null);
    }

    /** The same request with the directory's entries looked up. */
    public AccessRequest withEntities(RequestEntities looked) {
        return new AccessRequest(tenant, principal, action, resource, headers, query, context, time, looked);
    }
}
