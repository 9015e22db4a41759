package dev.tollgate.gateway.admin;

/** An enforcement point asked about a tenant it is not bound to (a 403, or {@code false} for a batch item). */
public final class TenantNotBoundException extends RuntimeException {

    TenantNotBoundException(String tenant) {
        super("this enforcement point is not bound to tenant '" + tenant + "' (tollgate.admin.authzen.peps)", null,
                false, false);
    }
}
