package dev.tollgate.policy;

import java.util.Map;

/**
 * The result of a reload: either the new revisions now in force, or the error that kept the last good ones.
 *
 * @param revisions revision per tenant in force after the reload
 * @param error     why the change was refused, or {@code null} when it was applied
 */
public record ReloadOutcome(Map<String, Revision> revisions, PolicyLoadException error) {

    public boolean applied() {
        return error == null;
    }
}
