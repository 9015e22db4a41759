package dev.tollgate.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Tenant policy sets loaded from a directory ({@code <dir>/<tenant>/*.yaml}); first cut: rules permit or forbid a
 * principal (exact or prefix) some methods on a path pattern; forbid overrides permit; default deny.
 */
public final class PolicyEngine implements Authorizer {

    record Rule(String id, boolean permit, String principalExact, String principalPrefix, Set<String> actions,
                String resource) {
        boolean applies(AccessRequest r) {
            String p = r.principal().id();
            boolean principalMatches = principalExact != null ? principalExact.equals(p)
                    : principalPrefix == null || p.startsWith(principalPrefix);
            return principalMatches && (actions.isEmpty() || actions.contains(r.action()))
                    && pathMatches(resource, r.resource());
        }
    }

    private volatile Map<String, List<Rule>> tenants;
    private volatile Map<String, Revision> revisions = Map.of();
    private final Path directory;

    private PolicyEngine(Path directory, Map<String, List<Rule>> tenants) {
        this.directory = directory;
        this.tenants = tenants;
    }

    public static PolicyEngine load(Path directory, Clock clock) {
        PolicyEngine engine = new PolicyEngine(directory, Map.of());
        engine.reload();
        return engine;
    }

    /** Re-reads the directory; the current policy stays if the new one cannot be read. */
    public synchronized void reload() {
        Map<String, StringBuilder> contents = new HashMap<>();
        Map<String, List<Rule>> next = read(directory, contents);
        Map<String, Revision> nextRevisions = new HashMap<>();
        contents.forEach((tenant, text) -> nextRevisions.put(tenant, new Revision(hash(text.toString()), null)));
        tenants = next;
        revisions = nextRevisions;
    }

    private static String hash(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<Rule>> read(Path directory, Map<String, StringBuilder> contents) {
        Map<String, List<Rule>> tenants = new HashMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String text = Files.readString(file);
                Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
                String tenant = (String) doc.get("tenant");
                contents.computeIfAbsent(tenant, t -> new StringBuilder()).append(file.getFileName()).append('\n')
                        .append(text);
                List<Rule> rules = tenants.computeIfAbsent(tenant, t -> new ArrayList<>());
                for (Object o : (List<?>) doc.getOrDefault("rules", List.of())) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    Map<?, ?> principal = (Map<?, ?>) m.get("principal");
                    Object action = m.get("action");
                    rules.add(new Rule((String) m.get("id"), "permit".equals(m.get("effect")),
                            principal == null ? null : (String) principal.get("exact"),
                            principal == null ? null : (String) principal.get("prefix"),
                            action == null ? Set.of() : action instanceof List<?> l
                                    ? Set.copyOf(l.stream().map(String::valueOf).toList()) : Set.of(action.toString()),
                            (String) m.get("resource")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tenants;
    }

    @Override
    public Decision authorize(AccessRequest request) {
        long start = System.nanoTime();
        List<String> permits = new ArrayList<>();
        List<String> forbids = new ArrayList<>();
        for (Rule rule : tenants.getOrDefault(request.tenant(), List.of())) {
            if (rule.applies(request)) {
                (rule.permit() ? permits : forbids).add(rule.id());
            }
        }
        boolean allowed = forbids.isEmpty() && !permits.isEmpty();
        return new Decision(allowed, forbids.isEmpty() ? permits : forbids, List.of(), revisions.get(request.tenant()),
                System.nanoTime() - start, null, Set.of());
    }

    public Optional<Revision> revision(String tenant) {
        return Optional.ofNullable(revisions.get(tenant));
    }

    static boolean pathMatches(String pattern, String path) {
        if (pattern == null || pattern.equals("/**")) {
            return true;
        }
        String[] p = pattern.split("/");
        String[] s = path.split("/");
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("**")) {
                return true;
            }
            if (i >= s.length) {
                return false;
            }
            if (!(p[i].startsWith("{") || p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
