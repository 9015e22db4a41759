package dev.tollgate.policy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a policy directory ({@code <dir>/<tenant>/tenant.yaml} plus rule documents) into validated tenant policy sets.
 * Everything that can be wrong with a document is found here, with its file and line: unknown fields, malformed
 * matchers, CEL that does not type-check, rules that reach outside their tenant, duplicate ids.
 */
public final class PolicyLoader {

    private static final Set<String> TENANT_FIELDS = Set.of("tenant", "label", "trust-domains", "issuers",
            "resources", "on-error");
    private static final Set<String> RULE_FIELDS = Set.of("id", "effect", "principal", "action", "resource", "when",
            "schedule", "expires", "cross-tenant", "description", "actor");
    private static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

    private PolicyLoader() {
    }

    public static Map<String, TenantPolicy> load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PolicyLoadException(directory, 0, "policy directory does not exist");
        }
        Map<String, TenantPolicy> tenants = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(directory)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                TenantPolicy t = loadTenant(dir);
                tenants.put(t.tenant(), t);
            }
        } catch (IOException e) {
            throw new PolicyLoadException(directory, 0, "cannot read: " + e.getMessage());
        }
        return tenants;
    }

    static TenantPolicy loadTenant(Path dir) throws IOException {
        String tenant = dir.getFileName().toString();
        Path tenantFile = dir.resolve("tenant.yaml");
        if (!Files.exists(tenantFile)) {
            throw new PolicyLoadException(tenantFile, 0, "every tenant directory needs a tenant.yaml declaring its"
                    + " trust-domains and resources");
        }
        MessageDigest digest = sha256();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path f : files) {
            if (Files.size(f) > MAX_DOCUMENT_BYTES) {
                throw new PolicyLoadException(f, 0, "document larger than 16 MiB");
            }
            String text = Files.readString(f, StandardCharsets.UTF_8);
            texts.put(f, text);
            digest.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(text.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        MappingNode header = root(tenantFile, texts.get(tenantFile));
        Map<String, NodeTuple> fields = fields(tenantFile, header, TENANT_FIELDS);
        requireTenant(tenantFile, fields, tenant, header);
        Set<String> trustDomains = new HashSet<>(strings(tenantFile, fields.get("trust-domains"), "trust-domains"));
        Set<String> issuers = new HashSet<>(strings(tenantFile, fields.get("issuers"), "issuers"));
        List<String> resources = strings(tenantFile, fields.get("resources"), "resources");
        if (resources.isEmpty()) {
            throw new PolicyLoadException(tenantFile, line(header), "'resources' must list the tenant's path prefixes");
        }
        for (String r : resources) {
            if (!r.startsWith("/")) {
                throw new PolicyLoadException(tenantFile, line(fields.get("resources").getValueNode()),
                        "resource prefix '" + r + "' must start with '/'");
            }
        }
        String label = scalar(tenantFile, fields.get("label"));
        String onError = scalar(tenantFile, fields.get("on-error"));
        if (onError != null && !onError.equals("deny") && !onError.equals("skip")) {
            throw new PolicyLoadException(tenantFile, line(fields.get("on-error").getValueNode()),
                    "on-error must be 'skip' (the rule does not apply) or 'deny' (any error denies)");
        }
        Path entitiesFile = dir.resolve(EntitiesLoader.FILE);
        Entities entities = texts.containsKey(entitiesFile)
                ? EntitiesLoader.load(entitiesFile, root(entitiesFile, texts.get(entitiesFile)), tenant)
                : Entities.NONE;
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<Path, String> e : texts.entrySet()) {
            if (e.getKey().equals(tenantFile) || e.getKey().equals(entitiesFile)) {
                continue;
            }
            MappingNode doc = root(e.getKey(), e.getValue());
            Map<String, NodeTuple> docFields = fields(e.getKey(), doc, Set.of("tenant", "rules"));
            requireTenant(e.getKey(), docFields, tenant, doc);
            NodeTuple rulesNode = docFields.get("rules");
            if (rulesNode == null) {
                continue;
            }
            if (!(rulesNode.getValueNode() instanceof SequenceNode seq)) {
                throw new PolicyLoadException(e.getKey(), line(rulesNode.getValueNode()), "'rules' must be a list");
            }
            for (Node ruleNode : seq.getValue()) {
                Rule rule = rule(e.getKey(), ruleNode, tenant, trustDomains, issuers, resources, entities);
                if (!ids.add(rule.id())) {
                    throw new PolicyLoadException(e.getKey(), line(ruleNode), "duplicate rule id '" + rule.id() + "'");
                }
                rules.add(rule);
            }
        }
        Revision revision = new Revision(HexFormat.of().formatHex(digest.digest()).substring(0, 16), label);
        return TenantPolicy.of(tenant, revision, trustDomains, issuers, resources, "deny".equals(onError), rules,
                entities);
    }

    private static Rule rule(Path file, Node node, String tenant, Set<String> trustDomains, Set<String> issuers,
                             List<String> resources, Entities entities) {
        if (!(node instanceof MappingNode map)) {
            throw new PolicyLoadException(file, line(node), "a rule must be a mapping");
        }
        Map<String, NodeTuple> f = fields(file, map, RULE_FIELDS);
        String id = required(file, f, "id", map);
        if (!id.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new PolicyLoadException(file, line(map), "rule id '" + id + "' must be 1-128 of [A-Za-z0-9._:-]");
        }
        String where = file.getFileName() + ":" + line(map);
        try {
            Effect effect = switch (required(file, f, "effect", map)) {
                case "permit" -> Effect.PERMIT;
                case "forbid" -> Effect.FORBID;
                default -> throw new IllegalArgumentException("effect must be 'permit' or 'forbid'");
            };
            boolean crossTenant = "true".equals(scalar(file, f.get("cross-tenant")));
            PrincipalMatcher principal = principal(file, f.get("principal"), entities);
            boolean any = principal instanceof PrincipalMatcher.Any;
            // A group is the tenant's own directory (entities.yaml): it pins its members.
            boolean group = principal instanceof PrincipalMatcher.InGroup;
            if (!any && !group && principal.trustDomain() == null && principal.issuer() == null) {
                throw new IllegalArgumentException("principal " + describe(principal) + " names no trust domain;"
                        + " a principal that is not a SPIFFE ID must name its token issuer: {issuer: ..., exact: ...}");
            }
            boolean own = group || (principal.trustDomain() != null ? trustDomains.contains(principal.trustDomain())
                    : issuers.contains(principal.issuer()));
            if (!crossTenant && !any && !own) {
                throw new IllegalArgumentException("principal " + describe(principal) + " is outside tenant '"
                        + tenant + "' (trust domains " + trustDomains + ", issuers " + issuers + "); write"
                        + " 'cross-tenant: true' to grant access to another tenant's workloads explicitly");
            }
            if (crossTenant && effect == Effect.PERMIT && principal instanceof PrincipalMatcher.Any) {
                throw new IllegalArgumentException("a cross-tenant grant must name its principals");
            }
            ResourcePattern resource = ResourcePattern.parse(required(file, f, "resource", map));
            String literal = resource.literalPath();
            if (resources.stream().noneMatch(p -> literal.startsWith(p) || (literal + "/").startsWith(p)
                    || p.equals("/"))) {
                throw new IllegalArgumentException("resource '" + resource + "' is outside tenant '" + tenant
                        + "' (resources " + resources + ")");
            }
            Set<String> actions = new HashSet<>(strings(file, f.get("action"), "action"));
            for (String a : actions) {
                if (!a.matches("[A-Za-z][A-Za-z0-9._/-]{0,63}")) {
                    throw new IllegalArgumentException("action '" + a + "' is not an HTTP method or action name");
                }
            }
            String when = scalar(file, f.get("when"));
            for (String capture : resource.captures()) {
                if (capture.equals("attrs") || capture.equals("properties")) {
                    throw new IllegalArgumentException("capture '{" + capture + "}' would hide resource." + capture
                            + "; name it otherwise");
                }
            }
            Condition condition = when == null ? null : Condition.compile(when, resource.captures(),
                    entities.schema());
            Schedule schedule = schedule(file, f.get("schedule"));
            String expires = scalar(file, f.get("expires"));
            return new Rule(id, effect, principal, actions, resource, condition, schedule,
                    expires == null ? null : Instant.parse(expires), crossTenant, where,
                    actor(file, f.get("actor"), entities));
        } catch (PolicyLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PolicyLoadException(file, line(map), "rule '" + id + "': " + e.getMessage());
        }
    }

    private static String describe(PrincipalMatcher m) {
        if (m instanceof PrincipalMatcher.Issued i) {
            return describe(i.id()) + " of issuer " + i.issuer();
        }
        if (m instanceof PrincipalMatcher.Exact e) {
            return e.id();
        }
        if (m instanceof PrincipalMatcher.Prefix p) {
            return p.prefix() + "*";
        }
        return m instanceof PrincipalMatcher.SpiffePattern s ? s.pattern() : "any";
    }

    /**
     * {@code actor:} absent → the rule is about direct calls only; {@code any} → any delegated call; a matcher (the
     * principal forms) → delegated calls whose current actor matches.
     */
    private static PrincipalMatcher actor(Path file, NodeTuple tuple, Entities entities) {
        if (tuple == null) {
            return null;
        }
        if (tuple.getValueNode() instanceof ScalarNode) {
            if (!"any".equals(scalar(file, tuple))) {
                throw new IllegalArgumentException("actor must be 'any' or a matcher {exact|prefix|pattern: ...,"
                        + " issuer: ...}");
            }
            return new PrincipalMatcher.Any();
        }
        return principal(file, tuple, entities);
    }

    private static PrincipalMatcher principal(Path file, NodeTuple tuple, Entities entities) {
        if (tuple == null) {
            return new PrincipalMatcher.Any();
        }
        if (!(tuple.getValueNode() instanceof MappingNode map)) {
            throw new IllegalArgumentException("principal must be one of {exact: ...}, {prefix: ...}, {pattern: ...},"
                    + " optionally with issuer: ..., or {in-group: ...}");
        }
        Map<String, NodeTuple> f = new HashMap<>(fields(file, map, Set.of("exact", "prefix", "pattern", "issuer",
                "in-group")));
        if (f.containsKey("in-group")) {
            if (f.size() > 1) {
                throw new IllegalArgumentException("in-group stands alone: the group's members are the principals");
            }
            List<String> groups = strings(file, f.get("in-group"), "in-group");
            for (String g : groups) {
                if (!entities.groups().contains(g)) {
                    String near = entities.groups().stream().filter(k -> Spelling.near(g, k)).findFirst().orElse(null);
                    throw new IllegalArgumentException("group '" + g + "' is not declared in entities.yaml"
                            + (near == null ? "" : "; did you mean '" + near + "'?"));
                }
            }
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("in-group names no group");
            }
            return new PrincipalMatcher.InGroup(List.copyOf(groups), entities);
        }
        NodeTuple issuerField = f.remove("issuer");
        String issuer = issuerField == null ? null : scalar(file, issuerField);
        if (issuerField != null && (issuer == null || issuer.isBlank())) {
            throw new IllegalArgumentException("principal issuer is empty");
        }
        if (f.size() > 1 || (f.isEmpty() && issuer == null)) {
            throw new IllegalArgumentException("principal must have exactly one of exact, prefix, pattern");
        }
        PrincipalMatcher id = new PrincipalMatcher.Any();
        if (!f.isEmpty()) {
            String kind = f.keySet().iterator().next();
            String value = scalar(file, f.get(kind));
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("principal " + kind + " is empty");
            }
            id = switch (kind) {
                case "exact" -> new PrincipalMatcher.Exact(value);
                case "prefix" -> new PrincipalMatcher.Prefix(value);
                default -> PrincipalMatcher.SpiffePattern.of(value);
            };
        }
        // {issuer: X} alone: every principal X vouches for.
        return issuer == null ? id : new PrincipalMatcher.Issued(issuer, id);
    }

    private static Schedule schedule(Path file, NodeTuple tuple) {
        if (tuple == null) {
            return null;
        }
        if (!(tuple.getValueNode() instanceof MappingNode map)) {
            throw new IllegalArgumentException("schedule must be {zone, days, from, to}");
        }
        Map<String, NodeTuple> f = fields(file, map, Set.of("zone", "days", "from", "to"));
        String zone = scalar(file, f.get("zone"));
        if (zone == null || f.get("from") == null || f.get("to") == null) {
            throw new IllegalArgumentException("schedule needs zone, from and to");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String d : strings(file, f.get("days"), "days")) {
            days.add(day(d));
        }
        return new Schedule(ZoneId.of(zone), days, LocalTime.parse(scalar(file, f.get("from"))),
                LocalTime.parse(scalar(file, f.get("to"))));
    }

    private static DayOfWeek day(String d) {
        String u = d.toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(u) && u.length() >= 3) {
                return day;
            }
        }
        throw new IllegalArgumentException("unknown day '" + d + "' (MON, TUE, ...)");
    }

    static MappingNode root(Path file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(MAX_DOCUMENT_BYTES);
        Node node;
        try {
            node = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (RuntimeException e) {
            int line = e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null
                    ? m.getProblemMark().getLine() + 1 : 0;
            throw new PolicyLoadException(file, line, "not valid YAML: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
        if (!(node instanceof MappingNode map)) {
            throw new PolicyLoadException(file, 1, "a policy document must be a mapping");
        }
        return map;
    }

    static Map<String, NodeTuple> fields(Path file, MappingNode map, Set<String> allowed) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null || !allowed.contains(key)) {
                String nearest = key == null ? null : nearest(key, allowed);
                throw new PolicyLoadException(file, line(t.getKeyNode()), "unknown field '" + key + "'"
                        + (nearest == null ? "" : "; did you mean '" + nearest + "'?") + " (expected one of "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
            out.put(key, t);
        }
        return out;
    }

    /** The allowed field closest to a misspelt one, if any is near enough ({@link Spelling}). */
    private static String nearest(String key, Set<String> allowed) {
        String best = null;
        for (String candidate : new java.util.TreeSet<>(allowed)) {
            if (Spelling.near(key, candidate)
                    && (best == null || Spelling.distance(key, candidate) < Spelling.distance(key, best))) {
                best = candidate;
            }
        }
        return best;
    }

    static void requireTenant(Path file, Map<String, NodeTuple> fields, String tenant, Node at) {
        String declared = scalar(file, fields.get("tenant"));
        if (!tenant.equals(declared)) {
            throw new PolicyLoadException(file, line(at), "document declares tenant '" + declared
                    + "' but lives in the directory of tenant '" + tenant + "'");
        }
    }

    private static String required(Path file, Map<String, NodeTuple> f, String name, Node at) {
        String v = scalar(file, f.get(name));
        if (v == null || v.isBlank()) {
            throw new PolicyLoadException(file, line(at), "'" + name + "' is required");
        }
        return v;
    }

    static String scalar(Path file, NodeTuple tuple) {
        if (tuple == null) {
            return null;
        }
        if (!(tuple.getValueNode() instanceof ScalarNode s)) {
            throw new PolicyLoadException(file, line(tuple.getValueNode()), "expected a single value");
        }
        return s.getValue();
    }

    static List<String> strings(Path file, NodeTuple tuple, String name) {
        if (tuple == null) {
            return List.of();
        }
        Node v = tuple.getValueNode();
        if (v instanceof ScalarNode s) {
            return List.of(s.getValue());
        }
        if (!(v instanceof SequenceNode seq)) {
            throw new PolicyLoadException(file, line(v), "'" + name + "' must be a value or a list");
        }
        List<String> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            if (!(n instanceof ScalarNode s)) {
                throw new PolicyLoadException(file, line(n), "'" + name + "' must list plain values");
            }
            out.add(s.getValue());
        }
        return out;
    }

    static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
