package dev.tollgate.policy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Tollgate's authorizer: every tenant's policy set, evaluated in-process. Semantics as Cedar's: forbid overrides
 * permit, default deny, rule order does not matter, a condition that errors makes its rule not apply (or, with
 * {@code on-error: deny}, denies). A request for tenant T consults only T's set.
 * <p>
 * {@link #reload} (and the file watcher) swap all tenants atomically: an invalid change is refused as a whole and the
 * last good revisions stay.
 */
public final class PolicyEngine implements Authorizer, AutoCloseable {

    private static final System.Logger log = System.getLogger(PolicyEngine.class.getName());

    private volatile Path directory;
    /** The directory active before the last {@link #activate}, for {@link #rollback}. */
    private volatile Path previous;
    private volatile Map<String, TenantPolicy> tenants;
    private final List<Consumer<ReloadOutcome>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile WatchService watcher;

    private PolicyEngine(Path directory, Map<String, TenantPolicy> tenants) {
        this.directory = directory;
        this.tenants = tenants;
    }

    /** Loads the directory; throws {@link PolicyLoadException} (file, line, reason) when anything is invalid. */
    public static PolicyEngine load(Path directory, Clock clock) {
        return new PolicyEngine(directory, PolicyLoader.load(directory));
    }

    /** An engine over already-loaded tenant sets (tests, benchmarks). */
    static PolicyEngine of(Map<String, TenantPolicy> tenants) {
        return new PolicyEngine(null, Map.copyOf(tenants));
    }

    @Override
    public Decision authorize(AccessRequest request) {
        TenantPolicy policy = tenants.get(request.tenant());
        if (policy == null) {
            return new Decision(false, List.of(), List.of(), null, 0, null, Set.of());
        }
        return policy.decide(request);
    }

    /** The same decision computed without the index, by looking at every rule (for tests and explanations). */
    public Decision authorizeUnindexed(AccessRequest request) {
        TenantPolicy policy = tenants.get(request.tenant());
        return policy == null ? new Decision(false, List.of(), List.of(), null, 0, null, Set.of())
                : policy.decideUnindexed(request);
    }

    public Optional<Revision> revision(String tenant) {
        TenantPolicy p = tenants.get(tenant);
        return p == null ? Optional.empty() : Optional.of(p.revision());
    }

    /**
     * The schema of the tenant's entity directory when it is kept in a store ({@code directory: store}): its requests
     * need their entries looked up ({@link AccessRequest#withEntities}), and writes to the store are checked by it.
     */
    public Optional<Entities.Schema> servedDirectory(String tenant) {
        TenantPolicy p = tenants.get(tenant);
        return p == null || !p.entities().served() ? Optional.empty() : Optional.of(p.entities().schema());
    }

    public Set<String> tenants() {
        return tenants.keySet();
    }

    /** The directory the active revisions were loaded from. */
    public Path directory() {
        return directory;
    }

    /**
     * Makes the policy in {@code candidate} (a directory laid out as the active one) the active policy, every tenant
     * at once; the current directory is kept for {@link #rollback}. A candidate that does not load is refused whole
     * ({@link PolicyLoadException}) and nothing changes. Reloads and the watcher follow the new directory.
     */
    public synchronized ReloadOutcome activate(Path candidate) {
        Map<String, TenantPolicy> next = PolicyLoader.load(candidate);
        previous = directory;
        directory = candidate;
        tenants = Map.copyOf(next);
        rewatch();
        ReloadOutcome outcome = new ReloadOutcome(revisions(), null);
        log.log(System.Logger.Level.INFO, "policy " + candidate + " activated: " + outcome.revisions());
        listeners.forEach(l -> l.accept(outcome));
        return outcome;
    }

    /** Back to the directory active before the last {@link #activate} (which then becomes the rollback target). */
    public synchronized ReloadOutcome rollback() {
        if (previous == null) {
            throw new IllegalStateException("nothing to roll back to: no revision was activated");
        }
        return activate(previous);
    }

    private void rewatch() {
        if (watcher != null) {
            close();
            watcher = null;
            watch();
        }
    }

    /** Re-reads the directory and swaps atomically; on any error keeps the last good policy and says why. */
    public synchronized ReloadOutcome reload() {
        ReloadOutcome outcome;
        try {
            Map<String, TenantPolicy> next = PolicyLoader.load(directory);
            tenants = Map.copyOf(next);
            outcome = new ReloadOutcome(revisions(), null);
            log.log(System.Logger.Level.INFO, "policy reloaded: " + outcome.revisions());
        } catch (PolicyLoadException e) {
            reloadFailures.incrementAndGet();
            outcome = new ReloadOutcome(revisions(), e);
            log.log(System.Logger.Level.WARNING, "policy change refused, keeping the last good revisions "
                    + outcome.revisions() + ": " + e.getMessage());
        }
        ReloadOutcome o = outcome;
        listeners.forEach(l -> l.accept(o));
        return outcome;
    }

    public Map<String, Revision> revisions() {
        Map<String, Revision> out = new TreeMap<>();
        tenants.forEach((t, p) -> out.put(t, p.revision()));
        return out;
    }

    /** Refused reloads so far (a metric). */
    public long reloadFailures() {
        return reloadFailures.get();
    }

    public void onReload(Consumer<ReloadOutcome> listener) {
        listeners.add(listener);
    }

    /** Watches the directory (and tenant subdirectories) on a daemon thread; changes settle 200 ms, then reload. */
    public synchronized void watch() {
        if (watcher != null || directory == null) {
            return;
        }
        try {
            watcher = FileSystems.getDefault().newWatchService();
            register(watcher);
        } catch (IOException e) {
            throw new PolicyLoadException(directory, 0, "cannot watch: " + e.getMessage());
        }
        Thread t = new Thread(this::watchLoop, "tollgate-policy-watch");
        t.setDaemon(true);
        t.start();
    }

    private void register(WatchService w) throws IOException {
        directory.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        try (Stream<Path> dirs = Files.list(directory)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                d.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void watchLoop() {
        WatchService w = watcher;
        try {
            while (true) {
                WatchKey key = w.take();
                key.pollEvents();
                key.reset();
                // Let an editor finish writing (several events per save), then reload once.
                WatchKey more;
                while ((more = w.poll(200, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                register(w);
                reload();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // closed: stop watching
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "policy watcher stopped: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        WatchService w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
