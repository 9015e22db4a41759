package dev.tollgate.gateway.revocation;

import java.time.Instant;
import java.util.Objects;

/**
 * One revoked thing.
 *
 * @param at when it was revoked
 * @param by who revoked it (the admin principal)
 */
public record Revocation(RevocationKind kind, String value, Instant at, String by) {

    /** Values are identifiers an operator typed; bound them like any other input. */
    public static final int MAX_VALUE_LENGTH = 2048;

    public Revocation {
        Objects.requireNonNull(kind, "kind");
        if (value == null || value.isBlank() || value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("a revocation needs a value of at most " + MAX_VALUE_LENGTH + " chars");
        }
    }

    /** The key identifying it in stores and messages: {@code kind:value}. */
    public String key() {
        return key(kind, value);
    }

    public static String key(RevocationKind kind, String value) {
        return kind.wireName() + ":" + value;
    }
}
