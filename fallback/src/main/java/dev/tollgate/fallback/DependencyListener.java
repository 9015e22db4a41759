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

    /** Every one of {@code listeners}, in order (metrics and a log, say). */
    static DependencyListener all(DependencyListener... listeners) {
        java.util.List<DependencyListener> each = java.util.List.of(listeners);
        return new DependencyListener() {
            @Override
            public void succeeded(String dependency) {
                each.forEach(l -> l.succeeded(dependency));
            }

            @Override
            public void failed(String dependency, DependencyUnavailableException.Reason reason) {
                each.forEach(l -> l.failed(dependency, reason));
            }

            @Override
            public void stateChanged(String dependency, String state) {
                each.forEach(l -> l.stateChanged(dependency, state));
            }
        };
    }
}
