package dev.tollgate.gateway.token;

/**
 * An issuer's key source has been down longer than its {@code max-key-staleness}: its tokens cannot be verified with
 * confidence, and the route's failure mode decides (a dependency error, not the caller's fault).
 */
public final class IssuerKeysUnavailableException extends RuntimeException {

    public IssuerKeysUnavailableException(String issuer) {
        super("keys of issuer " + issuer + " are older than their staleness bound", null, false, false);
    }
}
