package dev.tollgate.gateway.dpop;

/** The in-process replay store is at capacity with live entries: it refuses rather than forget one. */
public final class ReplayStoreFullException extends RuntimeException {

    public ReplayStoreFullException(int capacity) {
        super("the local DPoP replay store holds " + capacity + " live entries", null, false, false);
    }
}
