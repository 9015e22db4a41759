package dev.tollgate.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON Schema for {@code tollgate.yml}, generated from the same types {@link ConfigurationKeys} checks keys against
 * (so editor and gateway agree on what exists), with the descriptions Spring's configuration processor took from the
 * code's javadoc. {@code java -jar tollgate-gateway-exec.jar schema} prints it; {@code config/tollgate.schema.json} is
 * a copy the build keeps current, which editors with a YAML language server use through the file's
 * {@code # yaml-language-server: $schema=...} line. Unknown keys under {@code tollgate} are schema errors, as they are
 * start-up errors; other Spring settings are left open.
 */
public final class ConfigurationSchema {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigurationSchema() {
    }

    /** The schema, as pretty-printed JSON. */
    public static String generate() {
        Map<String, String> descriptions = descriptions();
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "https://tollgate.dev/schema/tollgate.schema.json");
        root.put("title", "Tollgate configuration (tollgate.yml)");
        root.put("type", "object");
        ObjectNode properties = root.putObject("properties");
        properties.set("tollgate", schema(TollgateProperties.class, "tollgate", descriptions));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static ObjectNode schema(Type type, String path, Map<String, String> descriptions) {
        ObjectNode node = JSON.createObjectNode();
        String description = descriptions.get(path);
        if (description != null) {
            node.put("description", description);
        }
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (Map.class.isAssignableFrom(raw)) {
            node.put("type", "object");
            node.set("additionalProperties", schema(((ParameterizedType) type).getActualTypeArguments()[1],
                    path + ".*", descriptions));
        } else if (Collection.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            ObjectNode items = schema(element, path + "[*]", descriptions);
            if (element == String.class) {
                node.putArray("type").add("array").add("string"); // "a, b" binds to a list too
            } else {
                node.put("type", "array");
            }
            node.set("items", items);
        } else if (raw == String.class || raw == Path.class || raw == java.net.URI.class || raw.isEnum()) {
            node.put("type", "string");
        } else if (raw == Boolean.class || raw == boolean.class) {
            node.putArray("type").add("boolean").add("string");
        } else if (Number.class.isAssignableFrom(raw) || raw == int.class || raw == long.class) {
            node.putArray("type").add("integer").add("string");
        } else if (raw == Duration.class) {
            node.putArray("type").add("string").add("integer");
            node.put("pattern", "^(-?\\d+(ns|us|ms|s|m|h|d)?|P.*)$");
        } else if (raw.getName().startsWith("java.")) {
            node.put("type", "string");
        } else {
            node.put("type", "object");
            node.put("additionalProperties", false);
            ObjectNode properties = node.putObject("properties");
            for (Map.Entry<String, Type> p : ConfigurationKeys.typedKeys(raw).entrySet()) {
                properties.set(p.getKey(), schema(p.getValue(), path + "." + p.getKey(), descriptions));
            }
        }
        return node;
    }

    /** {@code name → description} from the configuration processor's metadata, where it has one. */
    private static Map<String, String> descriptions() {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = ConfigurationSchema.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            if (in == null) {
                return out;
            }
            for (JsonNode property : JSON.readTree(in).path("properties")) {
                if (property.hasNonNull("description")) {
                    out.put(property.get("name").asString(), property.get("description").asString()
                            .replaceAll("\\{@(?:code|link|linkplain) ([^}]*)}", "$1").replaceAll("\\s+", " ").trim());
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
