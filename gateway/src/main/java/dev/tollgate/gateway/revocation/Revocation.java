package dev.tollgate.gateway.revocation;

import dev.tollgate.policy.SpiffeId;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One revoked thing.
 *
 * @param at when it was revoked
 * @param by who revoked it (the admin principal)
 */
public record Revocation(RevocationKind kind, String value, Instant at, String by) {

    /** Values are identifiers an operator typed; bound them like any other input. */
    public static final int MAX_VALUE_LENGTH = 2048;
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{64}");

    public Revocation {
        Objects.requireNonNull(kind, "kind");
        if (value == null || value.isBlank() || value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("a revocation needs a value of at most " + MAX_VALUE_LENGTH + " chars");
        }
        if (kind == RevocationKind.PRINCIPAL && SpiffeId.looksLikeSpiffe(value)) {
            // Refuse what no workload can be (a root ID, an uppercase trust domain): it would revoke nothing.
            SpiffeId.workload(value);
        }
        if (kind == RevocationKind.TOKEN && !TOKEN_ID.matcher(value).matches()) {
            throw new IllegalArgumentException("a token is revoked by its id: the lowercase hex SHA-256 of its signing"
                    + " input (header.payload), as the decision log's token_id shows");
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
