package dev.tollgate.gateway.revocation;

import java.util.Collection;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Where revocations live and how every instance learns of them. Requests consult an in-memory view
 * ({@link #check}), never the store itself; the store keeps that view current and says how current it is.
 */
public interface RevocationStore extends AutoCloseable {

    /** Records a revocation and announces it to every instance. */
    Mono<Void> revoke(Revocation revocation);

    /** Removes one (a tenant resumed, a mistaken revocation lifted) and announces it. */
    Mono<Void> lift(RevocationKind kind, String value);

    /** Every current revocation. */
    Collection<Revocation> list();

    /**
     * Writes this instance's view back to the shared store as a new data set that every instance accepts: how an
     * operator restores revocations after the store lost them ({@code POST /revocations/reseed}). No-op in-process.
     */
    default Mono<Void> reseed() {
        return Mono.empty();
    }

    /**
     * Checks a request's identifiers against the in-memory view; {@code null} values are skipped.
     * Cheap: a few hash lookups.
     */
    RevocationCheck check(String principal, String tenant, String tokenId, String jti, String jkt);

    /** Runs when the view changes (another instance revoked something), so caches can drop what they hold. */
    void onChange(java.util.function.Consumer<Revocation> listener);

    @Override
    void close();

    /** The view as a map of key to revocation, for implementations sharing the lookup logic. */
    static RevocationCheck check(Map<String, Revocation> view, long staleMillis, String principal, String tenant,
                                 String tokenId, String jti, String jkt) {
        String[] keys = {
            principal == null ? null : Revocation.key(RevocationKind.PRINCIPAL, principal),
            tenant == null ? null : Revocation.key(RevocationKind.TENANT_OFFBOARDED, tenant),
            tenant == null ? null : Revocation.key(RevocationKind.TENANT_SUSPENDED, tenant),
            tokenId == null ? null : Revocation.key(RevocationKind.TOKEN, tokenId),
            jti == null ? null : Revocation.key(RevocationKind.JTI, jti),
            jkt == null ? null : Revocation.key(RevocationKind.JKT, jkt)};
        for (String key : keys) {
            if (key != null && view.containsKey(key)) {
                return new RevocationCheck(key, staleMillis);
            }
        }
        return new RevocationCheck(null, staleMillis);
    }
}
