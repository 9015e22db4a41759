package dev.tollgate.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code <tenant>/entities.yaml} into {@link Entities}, as strictly as rules: unknown fields, undeclared
 * attributes, values of the wrong type and duplicate entries are load errors with file and line.
 * <pre>
 * tenant: acme
 * directory: file          # or store: entries below are kept in the gateway's entity store (admin API), not here
 * schema:
 *   principal: { email: string, roles: list }      # string | int | bool | list (of strings)
 *   resource: { owner: string }
 *   properties: { resource: { ownerID: string } }  # AuthZEN subject / resource / action properties
 *   groups: [shop, editors]                          # the groups principals may belong to
 * principals:
 *   - id: spiffe://acme.demo/ns/shop/sa/checkout
 *     groups: [shop]
 *     attributes: { email: checkout@acme.demo, roles: [reader] }
 *   - id: alice
 *     issuer: https://login.acme.example             # only alice as that issuer vouches for her
 *     groups: [editors]
 * resources:
 *   - id: /api/acme/orders/42
 *     attributes: { owner: alice }
 * </pre>
 */
final class EntitiesLoader {

    static final String FILE = "entities.yaml";
    private static final String NAME = "[a-zA-Z_][a-zA-Z0-9_]{0,63}";
    private static final String GROUP = "[A-Za-z0-9._:-]{1,128}";

    private EntitiesLoader() {
    }

    static Entities load(Path file, MappingNode root, String tenant) {
        Map<String, NodeTuple> f = PolicyLoader.fields(file, root, Set.of("tenant", "schema", "directory",
                "principals", "resources"));
        PolicyLoader.requireTenant(file, f, tenant, root);
        Entities.Schema schema = schema(file, f.get("schema"));
        String directory = PolicyLoader.scalar(file, f.get("directory"));
        if (directory != null && !directory.equals("file") && !directory.equals("store")) {
            throw new PolicyLoadException(file, PolicyLoader.line(f.get("directory").getValueNode()),
                    "directory must be 'file' (entries below) or 'store' (entries in the gateway's entity store)");
        }
        if ("store".equals(directory)) {
            // One place for the entries: a file entry beside a store would leave two truths about one principal.
            for (String listed : List.of("principals", "resources")) {
                if (f.get(listed) != null) {
                    throw new PolicyLoadException(file, PolicyLoader.line(f.get(listed).getKeyNode()), "'" + listed
                            + "' cannot be listed here with 'directory: store'; write them to the entity store"
                            + " (admin API PUT /entities/" + tenant + "/" + listed + ")");
                }
            }
            return Entities.served(schema);
        }
        Map<String, List<Entities.PrincipalEntry>> principals = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (MappingNode entry : entries(file, f.get("principals"), "principals")) {
            Map<String, NodeTuple> e = PolicyLoader.fields(file, entry, Set.of("id", "issuer", "groups",
                    "attributes"));
            String id = required(file, e, "id", entry);
            String issuer = PolicyLoader.scalar(file, e.get("issuer"));
            if (!seen.add(id + "\n" + issuer)) {
                throw new PolicyLoadException(file, PolicyLoader.line(entry), "principal '" + id + "'"
                        + (issuer == null ? "" : " of issuer " + issuer) + " is listed twice");
            }
            if (SpiffeId.looksLikeSpiffe(id) && !SpiffeId.isWorkload(id)) {
                throw new PolicyLoadException(file, PolicyLoader.line(entry), "principal '" + id
                        + "' says spiffe: but is not a workload's SPIFFE ID");
            }
            List<String> groups = PolicyLoader.strings(file, e.get("groups"), "groups");
            for (String g : groups) {
                if (!schema.groups().contains(g)) {
                    String near = schema.groups().stream().filter(k -> Spelling.near(g, k)).findFirst().orElse(null);
                    throw new PolicyLoadException(file, PolicyLoader.line(entry), "group '" + g
                            + "' is not declared under schema.groups" + (near == null ? "" : "; did you mean '"
                            + near + "'?"));
                }
            }
            Map<String, Object> attributes = attributes(file, e.get("attributes"), schema.principal(), "principal");
            principals.computeIfAbsent(id, k -> new ArrayList<>())
                    .add(new Entities.PrincipalEntry(id, issuer, attributes, List.copyOf(groups)));
        }
        Map<String, Map<String, Object>> resources = new HashMap<>();
        for (MappingNode entry : entries(file, f.get("resources"), "resources")) {
            Map<String, NodeTuple> e = PolicyLoader.fields(file, entry, Set.of("id", "attributes"));
            String id = required(file, e, "id", entry);
            if (!id.startsWith("/")) {
                throw new PolicyLoadException(file, PolicyLoader.line(entry), "resource '" + id
                        + "' must be a path starting with '/'");
            }
            if (resources.put(id, attributes(file, e.get("attributes"), schema.resource(), "resource")) != null) {
                throw new PolicyLoadException(file, PolicyLoader.line(entry), "resource '" + id + "' is listed twice");
            }
        }
        principals.replaceAll((k, v) -> List.copyOf(v));
        return new Entities(schema, principals, resources);
    }

    private static Entities.Schema schema(Path file, NodeTuple tuple) {
        if (tuple == null) {
            return Entities.Schema.EMPTY;
        }
        MappingNode map = mapping(file, tuple.getValueNode(), "schema");
        Map<String, NodeTuple> f = PolicyLoader.fields(file, map, Set.of("principal", "resource", "properties",
                "groups"));
        List<String> groups = PolicyLoader.strings(file, f.get("groups"), "groups");
        for (String g : groups) {
            if (!g.matches(GROUP)) {
                throw new PolicyLoadException(file, PolicyLoader.line(f.get("groups").getValueNode()), "group '" + g
                        + "' must be 1-128 of [A-Za-z0-9._:-]");
            }
        }
        Map<String, Map<String, AttributeType>> properties = new LinkedHashMap<>();
        if (f.get("properties") != null) {
            MappingNode p = mapping(file, f.get("properties").getValueNode(), "schema.properties");
            PolicyLoader.fields(file, p, Set.of("subject", "resource", "action"))
                    .forEach((kind, t) -> properties.put(kind, types(file, t, "schema.properties." + kind)));
        }
        return new Entities.Schema(types(file, f.get("principal"), "schema.principal"),
                types(file, f.get("resource"), "schema.resource"), properties, Set.copyOf(groups));
    }

    private static Map<String, AttributeType> types(Path file, NodeTuple tuple, String where) {
        if (tuple == null) {
            return Map.of();
        }
        Map<String, AttributeType> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping(file, tuple.getValueNode(), where).getValue()) {
            String name = PolicyLoader.scalar(file, new NodeTuple(t.getKeyNode(), t.getKeyNode()));
            if (name == null || !name.matches(NAME)) {
                throw new PolicyLoadException(file, PolicyLoader.line(t.getKeyNode()), where + ": '" + name
                        + "' must be an identifier ([a-zA-Z_][a-zA-Z0-9_]*)");
            }
            try {
                out.put(name, AttributeType.parse(PolicyLoader.scalar(file, t)));
            } catch (IllegalArgumentException e) {
                throw new PolicyLoadException(file, PolicyLoader.line(t.getValueNode()), where + "." + name + ": "
                        + e.getMessage());
            }
        }
        return out;
    }

    /** An entry's attributes: each declared in the schema and of its type. */
    private static Map<String, Object> attributes(Path file, NodeTuple tuple, Map<String, AttributeType> schema,
                                                  String kind) {
        if (tuple == null) {
            return Map.of();
        }
        MappingNode map = mapping(file, tuple.getValueNode(), "attributes");
        Map<String, Object> values = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String name = PolicyLoader.scalar(file, new NodeTuple(t.getKeyNode(), t.getKeyNode()));
            AttributeType type = schema.get(name);
            if (type == null) {
                String nearest = schema.keySet().stream().filter(k -> Spelling.near(name, k)).findFirst().orElse(null);
                throw new PolicyLoadException(file, PolicyLoader.line(t.getKeyNode()), kind + " attribute '" + name
                        + "' is not declared under schema." + kind
                        + (nearest == null ? "" : "; did you mean '" + nearest + "'?"));
            }
            Object value = type.coerce(value(t.getValueNode()));
            if (value == null) {
                throw new PolicyLoadException(file, PolicyLoader.line(t.getValueNode()), kind + " attribute '" + name
                        + "' must be a " + type.name().toLowerCase(java.util.Locale.ROOT)
                        + (type == AttributeType.LIST ? " of strings" : ""));
            }
            values.put(name, value);
        }
        return Map.copyOf(values);
    }

    /** A YAML value as plain Java (scalars typed by YAML's core schema). */
    private static Object value(Node node) {
        LoaderOptions options = new LoaderOptions();
        return new SafeConstructor(options) {
            Object construct(Node n) {
                return constructObject(n);
            }
        }.construct(node);
    }

    private static List<MappingNode> entries(Path file, NodeTuple tuple, String name) {
        if (tuple == null) {
            return List.of();
        }
        if (!(tuple.getValueNode() instanceof SequenceNode seq)) {
            throw new PolicyLoadException(file, PolicyLoader.line(tuple.getValueNode()), "'" + name
                    + "' must be a list of entries");
        }
        List<MappingNode> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            out.add(mapping(file, n, name + " entry"));
        }
        return out;
    }

    private static MappingNode mapping(Path file, Node node, String where) {
        if (!(node instanceof MappingNode map)) {
            throw new PolicyLoadException(file, PolicyLoader.line(node), where + " must be a mapping");
        }
        return map;
    }

    private static String required(Path file, Map<String, NodeTuple> f, String name, Node at) {
        String v = PolicyLoader.scalar(file, f.get(name));
        if (v == null || v.isBlank()) {
            throw new PolicyLoadException(file, PolicyLoader.line(at), "'" + name + "' is required");
        }
        return v;
    }
}
