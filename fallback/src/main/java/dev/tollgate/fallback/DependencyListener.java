package dev.tollgate.fallback;

/** Hooks for metrics and logs; no metrics library here, the gateway adapts these to Micrometer. */
public interface DependencyListener {

    DependencyListener NONE = new DependencyListener() {
    };

    default void succeeded(String dependency) {
    }

    default void failed(String dependency, DependencyUnavailableException.Reason reason) {
    }

    default void stateChanged(String dependency, String state) {
    }
}
