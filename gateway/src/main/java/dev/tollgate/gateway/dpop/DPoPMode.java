package dev.tollgate.gateway.dpop;

import java.util.Locale;

/**
 * How a route treats DPoP (RFC 9449), set with the {@code Tollgate} filter's {@code dpop} argument.
 * <ul>
 *   <li>{@code required}: the token must be DPoP-bound ({@code cnf.jkt}) and come with the {@code DPoP} scheme and a
 *       valid proof;</li>
 *   <li>{@code optional}: a token without {@code cnf.jkt} may come as Bearer; one with {@code cnf.jkt} must come with
 *       a proof;</li>
 *   <li>{@code disabled}: only Bearer; a DPoP-bound token is refused (it would be accepted without its proof).</li>
 * </ul>
 */
public enum DPoPMode {
    REQUIRED, OPTIONAL, DISABLED;

    public static DPoPMode parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Tollgate filter: dpop must be required, optional or disabled, not '"
                    + value + "'");
        }
    }

    /** Whether the {@code DPoP} scheme is accepted at all. */
    public boolean accepted() {
        return this != DISABLED;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
