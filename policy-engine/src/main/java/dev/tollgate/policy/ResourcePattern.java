package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource path pattern: literal segments, {@code {name}} (one segment, captured as {@code resource.name}),
 * {@code *} (one segment) and a final {@code **} (any rest, including nothing).
 */
public final class ResourcePattern {

    /** One segment of a pattern. */
    record Segment(String literal, String capture, boolean any, boolean rest) {
    }

    private final String source;
    private final List<Segment> segments;

    private ResourcePattern(String source, List<Segment> segments) {
        this.source = source;
        this.segments = segments;
    }

    public static ResourcePattern parse(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a resource pattern must start with '/'");
        }
        List<Segment> segments = new ArrayList<>();
        String[] parts = split(pattern);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("**")) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("'**' may only be the last segment");
                }
                segments.add(new Segment(null, null, false, true));
            } else if (p.equals("*")) {
                segments.add(new Segment(null, null, true, false));
            } else if (p.startsWith("{") && p.endsWith("}")) {
                String name = p.substring(1, p.length() - 1);
                if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("capture '{" + name + "}' must be an identifier");
                }
                segments.add(new Segment(null, name, true, false));
            } else if (p.contains("*") || p.contains("{") || p.contains("}")) {
                throw new IllegalArgumentException("segment '" + p + "': wildcards and captures must be whole segments");
            } else {
                segments.add(new Segment(p, null, false, false));
            }
        }
        return new ResourcePattern(pattern, List.copyOf(segments));
    }

    /**
     * {@code name} as exactly one path segment: every byte outside RFC 3986's unreserved set percent-encoded, and a
     * name of only dots encoded too, so no name can add, remove or climb segments of the resource path.
     */
    public static String segment(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean dotsOnly = name.chars().allMatch(c -> c == '.');
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            boolean unreserved = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_' || c == '~' || c == '.' && !dotsOnly;
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The path's segments. A trailing {@code /} is not a segment of its own: many servers serve {@code /orders/42/} as
     * {@code /orders/42}, so a forbid on {@code /orders/{id}} must hold for both (for patterns and paths alike).
     */
    static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** The captured variables if the path matches, else {@code null}. */
    public Map<String, String> match(String path) {
        return match(split(path));
    }

    Map<String, String> match(String[] parts) {
        return match(parts, true);
    }

    /**
     * Matches {@code parts}; with {@code capture} false the answer is only {@code null} or empty (nothing reads the
     * captures of a rule without a condition, so they are not collected).
     */
    Map<String, String> match(String[] parts, boolean capture) {
        Map<String, String> captures = null;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.rest()) {
                return captures == null ? Map.of() : captures;
            }
            if (i >= parts.length) {
                return null;
            }
            if (s.literal() != null) {
                if (!s.literal().equals(parts[i])) {
                    return null;
                }
            } else if (parts[i].isEmpty()) {
                return null;
            } else if (capture && s.capture() != null) {
                if (captures == null) {
                    captures = new HashMap<>(4);
                }
                captures.put(s.capture(), parts[i]);
            }
        }
        return parts.length == segments.size() ? (captures == null ? Map.of() : captures) : null;
    }

    /** The literal segments before the first wildcard: where the index files the rule. */
    List<String> literalPrefix() {
        List<String> prefix = new ArrayList<>();
        for (Segment s : segments) {
            if (s.literal() == null) {
                break;
            }
            prefix.add(s.literal());
        }
        return prefix;
    }

    List<Segment> segments() {
        return segments;
    }

    List<String> captures() {
        return segments.stream().filter(s -> s.capture() != null).map(Segment::capture).toList();
    }

    /** The pattern's fixed beginning as a path ({@code /api/acme/orders/}), for tenant-isolation checks. */
    String literalPath() {
        return "/" + String.join("/", literalPrefix()) + (literalPrefix().size() == segments.size() ? "" : "/");
    }

    @Override
    public String toString() {
        return source;
    }
}
