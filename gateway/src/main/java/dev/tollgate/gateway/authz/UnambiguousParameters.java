package dev.tollgate.gateway.authz;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.http.HttpHeaders;

/**
 * The query parameters and headers policy is shown: only those every server reads the same way. Policy decides on
 * what the gateway reads; the upstream acts on what it reads. Where the two can differ, a permit on
 * {@code request.query['dry_run'] == 'true'} passes a request that the upstream runs for real, so such a parameter is
 * left out, and a rule that reads it has an evaluation error and does not apply (a forbid that must hold whatever
 * the request says needs {@code on-error: deny}). A parameter is left out when
 * <ul>
 * <li>it is given more than once: servers keep the first value, the last, or all of them;</li>
 * <li>a {@code ;} in the query changes it: older Python, Perl and Java servlet containers also split on {@code ;}, so
 * {@code ?dry_run=true;dry_run=false} is one parameter to Spring and two to them;</li>
 * <li>another parameter's name folds to the same name: PHP reads {@code dry.run}, {@code dry run} and
 * {@code dry_run} as one, and {@code dry_run[]} beside {@code dry_run} as one (so do Rack and Node's {@code qs});
 * ASP.NET ignores case;</li>
 * <li>it cannot be decoded.</li>
 * </ul>
 * A header is left out when it is sent on several lines, or when another header's name differs from it only by
 * {@code _} for {@code -}: CGI-style servers (PHP-FPM, Django, Rack) read {@code X-Env} and {@code X_Env} both as
 * {@code HTTP_X_ENV}.
 */
public final class UnambiguousParameters {

    private UnambiguousParameters() {
    }

    /** The query parameters of {@code rawQuery} (still percent-encoded) that have one reading, decoded. */
    public static Map<String, String> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> standard = pairs(rawQuery, false);
        Map<String, List<String>> semicolons = rawQuery.indexOf(';') < 0 ? standard : pairs(rawQuery, true);
        Map<String, List<String>> namesPerBase = new HashMap<>();
        Set<String> names = new java.util.HashSet<>(standard.keySet());
        names.addAll(semicolons.keySet());
        names.forEach(name -> namesPerBase.computeIfAbsent(base(name), k -> new ArrayList<>(1)).add(name));
        Map<String, String> shown = new HashMap<>();
        standard.forEach((name, values) -> {
            String value = values.get(0);
            if (values.size() == 1 && value != null && values.equals(semicolons.get(name))
                    && !foldsWithAnother(name, namesPerBase.get(base(name)))) {
                shown.put(name, value);
            }
        });
        return shown;
    }

    /** The headers with one reading, by lower-case name, leaving out {@code hidden} (lower-case names). */
    public static Map<String, String> headers(HttpHeaders headers, Set<String> hidden) {
        Map<String, String> shown = new TreeMap<>();
        boolean[] underscore = {false};
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            underscore[0] |= lower.indexOf('_') >= 0;
            if (values.size() == 1 && !hidden.contains(lower) && !hidden.contains(lower.replace('_', '-'))) {
                shown.put(lower, values.get(0));
            }
        });
        if (underscore[0]) { // rare: only then can two names fold together
            Map<String, Set<String>> namesPerFold = new HashMap<>();
            headers.forEach((name, values) -> namesPerFold.computeIfAbsent(
                    name.toLowerCase(Locale.ROOT).replace('_', '-'), k -> new java.util.HashSet<>(2))
                    .add(name.toLowerCase(Locale.ROOT)));
            shown.keySet().removeIf(lower -> namesPerFold.get(lower.replace('_', '-')).size() > 1);
        }
        return shown;
    }

    /** Name to values, as Spring reads a query (split on {@code &}), or as servers that also split on {@code ;}. */
    private static Map<String, List<String>> pairs(String rawQuery, boolean semicolonsSeparate) {
        Map<String, List<String>> out = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= rawQuery.length(); i++) {
            char c = i < rawQuery.length() ? rawQuery.charAt(i) : '&';
            if (c == '&' || semicolonsSeparate && c == ';') {
                if (i > start) {
                    int equals = rawQuery.indexOf('=', start);
                    boolean hasValue = equals >= 0 && equals < i;
                    String name = decoded(rawQuery.substring(start, hasValue ? equals : i));
                    String value = hasValue ? decoded(rawQuery.substring(equals + 1, i)) : null;
                    String key = name != null ? name : rawQuery.substring(start, hasValue ? equals : i);
                    if (!key.isEmpty()) {
                        out.computeIfAbsent(key, k -> new ArrayList<>(1)).add(name == null ? null : value);
                    }
                }
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * Whether servers that fold names would read {@code name} and another of {@code sameBase} as one parameter:
     * {@code dry_run}, {@code dry.run}, {@code DRY_RUN} and {@code dry_run[]} are one, while {@code filter[status]} and
     * {@code filter[type]} stay two (PHP, Rack and {@code qs} read them as two keys of one array).
     */
    private static boolean foldsWithAnother(String name, List<String> sameBase) {
        if (sameBase.size() == 1) {
            return false;
        }
        String keys = keys(name);
        for (String other : sameBase) {
            if (!other.equals(name)) {
                String otherKeys = keys(other);
                if (keys.equals(otherKeys) || keys.isEmpty() || otherKeys.isEmpty() || keys.equals("[]")
                        || otherKeys.equals("[]")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The name as servers that fold names file it, without its array keys: case folded as .NET's ordinal
     * comparison does (upper case, so {@code ſ} is {@code S}), and PHP's {@code .}, space and {@code [} as {@code _}.
     */
    static String base(String name) {
        int bracket = bracket(name);
        String base = bracket < 0 ? name : name.substring(0, bracket);
        return base.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).replace('.', '_').replace(' ', '_')
                .replace('[', '_');
    }

    /** The array keys after the base name ({@code [status]}, {@code []}), or empty. */
    private static String keys(String name) {
        int bracket = bracket(name);
        return bracket < 0 ? "" : name.substring(bracket);
    }

    /** Where PHP starts reading array keys: the first {@code [} after the first character, with a {@code ]} after it. */
    private static int bracket(String name) {
        int open = name.indexOf('[', 1);
        return open > 0 && name.indexOf(']', open) > open ? open : -1;
    }

    private static String decoded(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
