package dev.tollgate.fallback;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;

/**
 * Hands out guarded {@link Dependency} objects by name ({@code redis}, {@code replay-store}, {@code issuer:<name>},
 * {@code upstream:<route>}), the way Resilience4j's registries do: named templates ({@code default} always exists),
 * and instances that start from a template and override some fields. A name without an instance uses {@code default}.
 * One object per name, so every caller of a dependency shares its breaker.
 */
public final class DependencyRegistry {

    public static final String DEFAULT_TEMPLATE = "default";

    private final Map<String, DependencySettings> templates;
    private final Map<String, DependencySettings> instances;
    private final DependencyListener listener;
    private final Scheduler timer;
    private final Map<String, GuardedDependency> dependencies = new ConcurrentHashMap<>();

    public DependencyRegistry(Map<String, DependencySettings> templates, Map<String, DependencySettings> instances,
                              DependencyListener listener) {
        this(templates, instances, listener, null);
    }

    /**
     * @param timer where the time limits' timers run; {@code null} for Reactor's default (its parallel scheduler, as
     *              it is at each call, so tests' virtual time applies). A server that calls its dependencies from event
     *              loops can keep each timer on the loop that set it: no other thread is woken per call.
     */
    public DependencyRegistry(Map<String, DependencySettings> templates, Map<String, DependencySettings> instances,
                              DependencyListener listener, Scheduler timer) {
        this.timer = timer;
        Map<String, DependencySettings> t = new TreeMap<>(templates == null ? Map.of() : templates);
        t.put(DEFAULT_TEMPLATE, t.containsKey(DEFAULT_TEMPLATE)
                ? t.get(DEFAULT_TEMPLATE).over(DependencySettings.DEFAULTS) : DependencySettings.DEFAULTS);
        this.templates = Map.copyOf(t);
        this.instances = instances == null ? Map.of() : Map.copyOf(instances);
        this.listener = listener == null ? DependencyListener.NONE : listener;
        // A bad template or instance fails at start-up, not at the first outage.
        this.templates.keySet().forEach(name -> resolve(name, this.templates.get(name), 0)
                .validated("template " + name));
        this.instances.forEach((name, s) -> settings(name));
    }

    /**
     * {@code instances} with {@code name}'s time limit at most {@code max}, its other settings resolving as before: for
     * a client whose own timeout is left to the guard (Redis's {@code command-timeout}), so that the shorter of the
     * two still bounds each call.
     */
    public static Map<String, DependencySettings> capTimeLimit(Map<String, DependencySettings> templates,
                                                               Map<String, DependencySettings> instances, String name,
                                                               java.time.Duration max) {
        Map<String, DependencySettings> given = instances == null ? Map.of() : instances;
        if (new DependencyRegistry(templates, given, null).settings(name).timeLimit().compareTo(max) <= 0) {
            return given;
        }
        DependencySettings own = given.getOrDefault(name, DependencySettings.UNSET);
        Map<String, DependencySettings> capped = new TreeMap<>(given);
        capped.put(name, own.withTimeLimit(max));
        return Map.copyOf(capped);
    }

    public static DependencyRegistry ofDefaults() {
        return new DependencyRegistry(Map.of(), Map.of(), DependencyListener.NONE);
    }

    public Dependency dependency(String name) {
        return dependencies.computeIfAbsent(name, n -> new GuardedDependency(n, settings(n), listener, timer));
    }

    /** The effective settings of a dependency: its instance over its template chain over the defaults. */
    public DependencySettings settings(String name) {
        DependencySettings instance = instances.get(name);
        DependencySettings s = instance == null ? templates.get(DEFAULT_TEMPLATE) : resolve(name, instance, 0);
        return s.validated(name);
    }

    private DependencySettings resolve(String name, DependencySettings s, int depth) {
        if (depth > 8) {
            throw new IllegalArgumentException("dependency " + name + ": template chain too deep (a cycle?)");
        }
        boolean isDefault = s == templates.get(DEFAULT_TEMPLATE);
        String base = s.template() != null ? s.template() : isDefault ? null : DEFAULT_TEMPLATE;
        DependencySettings own = new DependencySettings(null, s.timeLimit(), s.failureRateThreshold(),
                s.slowCallDuration(), s.slidingWindowSize(), s.minimumNumberOfCalls(), s.waitInOpen(),
                s.permittedCallsInHalfOpen(), s.maxConcurrentCalls());
        if (base == null) {
            return own.over(DependencySettings.DEFAULTS);
        }
        DependencySettings parent = templates.get(base);
        if (parent == null) {
            throw new IllegalArgumentException("dependency " + name + ": unknown template '" + base + "'");
        }
        return own.over(resolve(base, parent, depth + 1));
    }

    /** Breaker state per dependency created so far ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}). */
    public Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        dependencies.forEach((name, d) -> states.put(name, d.state()));
        return states;
    }
}
