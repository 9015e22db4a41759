package dev.tollgate.gateway.config;

/**
 * One thing wrong with the configuration: the key, where it was set ({@code file:line}, or {@code null}), and what
 * is wrong with it.
 */
public record ConfigurationProblem(String key, String origin, String message) {

    /** One readable paragraph. */
    public String describe() {
        return key + (origin == null ? "" : "  (" + origin + ")") + "\n    " + message;
    }
}
