package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.authz.ShadowPolicy;
import dev.tollgate.policy.PolicyEngine;
import dev.tollgate.policy.PolicyLoadException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the admin API does with policy revisions: shadow a candidate beside the active policy, activate it (or any
 * directory), roll back to the one before. Activation is not persisted: a restart loads
 * {@code tollgate.policies.directory}, so make a change permanent there once it is activated.
 */
public final class PolicyRevisions {

    private final PolicyEngine engine;
    private final ShadowPolicy shadow;

    public PolicyRevisions(PolicyEngine engine, ShadowPolicy shadow) {
        this.engine = engine;
        this.shadow = shadow;
    }

    /** Starts shadowing {@code directory}; {@link PolicyLoadException} when it does not load. Blocking (files). */
    public ShadowPolicy.Status shadow(String directory) {
        return shadow.shadow(existing(directory));
    }

    public ShadowPolicy.Status status() {
        return shadow.status();
    }

    public Path stop() {
        return shadow.stop();
    }

    /**
     * Activates {@code directory}, or the shadowed candidate when {@code null}; the shadow stops (its candidate is now
     * active). Blocking (files).
     */
    public PolicyEngine activate(String directory) {
        Path target = directory != null ? existing(directory) : shadow.status().directory();
        if (target == null) {
            throw new IllegalArgumentException("name a directory, or shadow a candidate first");
        }
        engine.activate(target);
        shadow.stop();
        return engine;
    }

    /** Back to the directory active before the last activation. Blocking (files). */
    public PolicyEngine rollback() {
        engine.rollback();
        return engine;
    }

    private static Path existing(String directory) {
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("body must be {\"directory\": \"/path/to/policies\"}");
        }
        Path p = Path.of(directory).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("no such policy directory: " + p);
        }
        return p;
    }
}
