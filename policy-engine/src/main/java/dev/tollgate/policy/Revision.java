package dev.tollgate.policy;

/**
 * Identifies one loaded version of a tenant's policy set.
 *
 * @param hash  content hash of the tenant's documents (hex SHA-256, first 16 chars)
 * @param label optional operator label ({@code null} when none)
 */
public record Revision(String hash, String label) {
    @Override
    public String toString() {
        return label == null ? hash : hash + " (" + label + ")";
    }
}
