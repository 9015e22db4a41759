package dev.tollgate.gateway.config;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.tollgate.policy.Spelling;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Which configuration keys exist, read off the types they bind to: a record's components, a JavaBean's setters, any
 * key of a map, an index of a list, and nothing below a scalar. Knows nothing of Spring's binder beyond the names, so
 * the same check serves {@code tollgate.*}, the {@code Tollgate} filter's arguments and the {@code validate} command.
 */
final class ConfigurationKeys {

    /** An unknown key: where in the name it goes wrong, and the nearest known names at that place. */
    record Unknown(String element, String parent, List<String> suggestions) {
        String describe() {
            String where = parent.isEmpty() ? "" : " under '" + parent + "'";
            String hint = suggestions.isEmpty() ? "" : "; did you mean '" + String.join("' or '", suggestions) + "'?";
            return "unknown key '" + element + "'" + where + hint;
        }
    }

    private ConfigurationKeys() {
    }

    /**
     * Checks {@code name} from element {@code from} on against {@code root}; {@code null} when every element names
     * something that exists.
     */
    static Unknown check(Type root, ConfigurationPropertyName name, int from) {
        Type type = root;
        for (int i = from; i < name.getNumberOfElements(); i++) {
            String element = name.getElement(i, ConfigurationPropertyName.Form.DASHED);
            String parent = i == 0 ? "" : name.chop(i).toString();
            Class<?> raw = raw(type);
            if (Map.class.isAssignableFrom(raw)) {
                type = argument(type, 1);
            } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
                if (!name.isNumericIndex(i)) {
                    return new Unknown(element, parent, List.of());
                }
                type = raw.isArray() ? raw.getComponentType() : argument(type, 0);
            } else if (leaf(raw)) {
                return new Unknown(element, parent, List.of());
            } else {
                Map<String, Type> properties = properties(raw);
                Type next = properties.get(uniform(element));
                if (next == null) {
                    return new Unknown(element, parent, suggestions(element, properties.keySet()));
                }
                type = next;
            }
        }
        return null;
    }

    /** Every key a type has directly, dashed, with the type it binds to (for the JSON Schema). */
    static Map<String, Type> typedKeys(Class<?> type) {
        Map<String, Type> out = new LinkedHashMap<>();
        properties(type).forEach((uniform, t) -> out.put(dashedOf(uniform), t));
        return out;
    }

    private static final Map<Class<?>, Map<String, Type>> PROPERTIES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, String> DASHED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, Type> properties(Class<?> type) {
        return PROPERTIES.computeIfAbsent(type, t -> {
            Map<String, Type> out = new LinkedHashMap<>();
            if (t.isRecord()) {
                for (RecordComponent c : t.getRecordComponents()) {
                    put(out, c.getName(), c.getGenericType());
                }
            } else {
                for (Method m : t.getMethods()) {
                    if (m.getName().length() > 3 && m.getName().startsWith("set") && m.getParameterCount() == 1
                            && !Modifier.isStatic(m.getModifiers())) {
                        String prop = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                        put(out, prop, m.getGenericParameterTypes()[0]);
                    }
                }
            }
            return out;
        });
    }

    private static void put(Map<String, Type> out, String javaName, Type type) {
        String dashed = javaName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        DASHED.put(uniform(dashed), dashed);
        out.put(uniform(dashed), type);
    }

    private static String dashedOf(String uniform) {
        return DASHED.getOrDefault(uniform, uniform);
    }

    /** Spring's relaxed binding treats {@code trust-domains}, {@code trustDomains} and {@code trust_domains} alike. */
    private static String uniform(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static List<String> suggestions(String element, Collection<String> known) {
        String wanted = uniform(element);
        List<Map.Entry<String, Integer>> scored = new ArrayList<>();
        for (String k : known) {
            if (Spelling.near(wanted, k) || k.startsWith(wanted) || wanted.startsWith(k)) {
                scored.add(Map.entry(dashedOf(k), Spelling.distance(wanted, k)));
            }
        }
        scored.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue())
                .thenComparing(Map.Entry::getKey));
        return scored.stream().limit(2).map(Map.Entry::getKey).toList();
    }

    private static boolean leaf(Class<?> raw) {
        return raw.isPrimitive() || raw.isEnum() || raw.getName().startsWith("java.") || raw == Object.class;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }
}
