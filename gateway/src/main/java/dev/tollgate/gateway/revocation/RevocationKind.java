package dev.tollgate.gateway.revocation;

import java.util.Locale;

/** What can be revoked. Values are compared exactly. */
public enum RevocationKind {
    /** A workload identity (SPIFFE ID or token principal): every credential it holds stops working. */
    PRINCIPAL,
    /**
     * One token, by its id: the hex SHA-256 of its signing input {@code header.payload} (the decision log's
     * {@code token_id}). Not of the compact form, which an attacker can re-spell (another valid ECDSA signature for the
     * same input) without changing what the token says.
     */
    TOKEN,
    /** One token, by its {@code jti}. */
    JTI,
    /** A DPoP key, by its RFC 7638 thumbprint ({@code jkt}): every token bound to it stops working. */
    JKT,
    /** A tenant suspended: all its principals are denied until it is resumed. */
    TENANT_SUSPENDED,
    /** A tenant offboarded: all its principals are denied, for good. */
    TENANT_OFFBOARDED;

    /** Made once: every enforced request builds six revocation keys from it. */
    private final String wireName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String wireName() {
        return wireName;
    }

    public static RevocationKind fromWire(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown revocation kind '" + name
                    + "' (principal, token, jti, jkt, tenant-suspended, tenant-offboarded)");
        }
    }
}
