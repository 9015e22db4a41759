package dev.tollgate.gateway.entities;

import dev.tollgate.gateway.crypto.Sha256;

/**
 * Which entry of a tenant's entity directory: a principal (its id, and the issuer that vouched for it, or {@code null}
 * for an entry of that id whoever vouched) or a resource (its path). As in {@code entities.yaml}, an entry scoped to an
 * issuer wins over the unscoped one.
 */
public record EntityKey(Kind kind, String id, String issuer) {

    public enum Kind {
        PRINCIPAL, RESOURCE;

        /** As the admin API spells it: {@code principals}, {@code resources}. */
        public String plural() {
            return name().toLowerCase(java.util.Locale.ROOT) + "s";
        }
    }

    /** The longest id or issuer an entry may have (ids come from tokens and paths: bounded before they are hashed). */
    public static final int MAX_ID = 2048;

    public EntityKey {
        if (id == null || id.isEmpty() || id.length() > MAX_ID) {
            throw new IllegalArgumentException("an entity id of 1-" + MAX_ID + " characters is required");
        }
        if (kind == Kind.RESOURCE && (issuer != null || !id.startsWith("/"))) {
            throw new IllegalArgumentException("a resource id is a path starting with '/', and has no issuer");
        }
        if (issuer != null && (issuer.isEmpty() || issuer.length() > MAX_ID)) {
            throw new IllegalArgumentException("an issuer of 1-" + MAX_ID + " characters, or none");
        }
    }

    public static EntityKey principal(String id, String issuer) {
        return new EntityKey(Kind.PRINCIPAL, id, issuer);
    }

    public static EntityKey resource(String path) {
        return new EntityKey(Kind.RESOURCE, path, null);
    }

    /** A fixed-length name for a store's key: ids are client-sized, store keys must not be. */
    public String digest() {
        return Sha256.hex(kind.name() + '\n' + (issuer == null ? "" : issuer) + '\n' + id);
    }
}
