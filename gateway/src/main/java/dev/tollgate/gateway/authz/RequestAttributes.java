package dev.tollgate.gateway.authz;

import dev.tollgate.policy.AccessRequest;
import dev.tollgate.policy.Principal;
import java.util.Map;

/**
 * Reads one attribute of an access request by the dotted name the policy engine reports
 * ({@code request.headers.x-env}, {@code principal.claims.team}, {@code context.route}), as text, so a cached
 * decision can be compared with a new request on exactly the attributes it depended on.
 */
final class RequestAttributes {

    private RequestAttributes() {
    }

    static String valueOf(AccessRequest r, String name) {
        String[] path = name.split("\\.", 3);
        Object value = switch (path[0]) {
            case "principal" -> principal(r.principal(), path);
            case "request" -> request(r, path);
            case "context" -> path.length > 1 ? lookup(r.context(), rest(path, 1)) : r.context();
            case "resource" -> r.resource();
            case "mcp" -> path.length > 1 ? lookup(r.context(), "mcp." + rest(path, 1)) : r.context().get("mcp");
            case "time" -> r.time();
            default -> "?" + name;
        };
        return canonical(value);
    }

    /**
     * One text per value, and one value per text: strings quoted and escaped, maps with sorted keys, lists in order,
     * so two different attribute values can never compare equal ({@code {a=1, b=2}} and {@code {a=1, b=2}} from a
     * header value holding ", b=2" no longer look alike).
     */
    static String canonical(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value instanceof String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\\') {
                    out.append('\\').append(ch);
                } else if (ch < 0x20) {
                    out.append(String.format("\\u%04x", (int) ch));
                } else {
                    out.append(ch);
                }
            }
            out.append('"');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                write(out, e.getKey());
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof java.util.Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object v : list) {
                out.append(first ? "" : ",");
                first = false;
                write(out, v);
            }
            out.append(']');
        } else {
            out.append(value == null ? "null" : value.getClass().getSimpleName() + ":" + value);
        }
    }

    private static Object principal(Principal p, String[] path) {
        if (path.length < 2) {
            return p.id();
        }
        return switch (path[1]) {
            case "id" -> p.id();
            case "trustDomain", "trust_domain" -> p.trustDomain();
            case "mtls" -> p.provenBy().contains(dev.tollgate.policy.CredentialKind.MTLS);
            case "dpop_bound" -> p.provenBy().contains(dev.tollgate.policy.CredentialKind.DPOP);
            case "cert_bound" -> p.provenBy().contains(dev.tollgate.policy.CredentialKind.CERT_BOUND);
            case "tenant" -> p.tenant();
            case "delegated" -> p.delegated();
            case "actor" -> p.delegated() ? p.actor() : "";
            case "actors" -> p.actors();
            case "issuer" -> p.issuer();
            case "provenBy", "proven_by", "credentials" -> p.provenBy().stream().map(Enum::name).sorted().toList();
            case "claims" -> path.length > 2 ? lookup(p.claims(), path[2]) : p.claims();
            default -> "?" + path[1];
        };
    }

    private static Object request(AccessRequest r, String[] path) {
        if (path.length < 2) {
            return r.action() + " " + r.resource();
        }
        return switch (path[1]) {
            case "method", "action" -> r.action();
            case "path" -> r.resource();
            case "headers" -> path.length > 2 ? r.headers().get(path[2]) : r.headers();
            case "query" -> path.length > 2 ? r.query().get(path[2]) : r.query();
            default -> "?" + path[1];
        };
    }

    private static String rest(String[] path, int from) {
        return String.join(".", java.util.Arrays.copyOfRange(path, from, path.length));
    }

    private static Object lookup(Map<String, ?> map, String dotted) {
        Object current = map;
        for (String part : dotted.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(part);
        }
        return current;
    }
}
