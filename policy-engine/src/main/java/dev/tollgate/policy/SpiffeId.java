package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A SPIFFE ID ({@code spiffe://trust-domain/path}), parsed as the SPIFFE ID standard requires: scheme {@code spiffe},
 * a trust domain of {@code [a-z0-9._-]} (no port, userinfo or uppercase, at most 255 characters), path segments
 * non-empty, not {@code .} or {@code ..}, of {@code [a-zA-Z0-9._-]} only (so no percent-encoding, query or fragment),
 * no trailing slash, at most 2048 characters in all.
 * <p>
 * This is the one parser of identities in Tollgate: the gateway parses certificates, tokens, subject mappings and
 * AuthZEN subjects with it, and policy patterns are checked and matched segment by segment against the same rules, so
 * an identity the gateway accepts cannot fall between what a forbid pattern and a permit mean.
 *
 * @param trustDomain the trust domain name
 * @param segments    the path's segments; empty for the trust domain's own ID
 */
public record SpiffeId(String trustDomain, List<String> segments) {

    public static final String SCHEME = "spiffe://";
    static final int MAX_LENGTH = 2048;
    static final int MAX_TRUST_DOMAIN_LENGTH = 255;

    public SpiffeId {
        segments = List.copyOf(segments);
    }

    /**
     * A workload's ID: a valid SPIFFE ID with a non-root path (X509-SVID §2, JWT-SVID §3: the ID of a workload MUST
     * have a path). This is what every identity a caller presents must be.
     *
     * @throws IllegalArgumentException saying which rule failed
     */
    public static SpiffeId workload(String id) {
        SpiffeId parsed = parse(id);
        if (parsed.segments.isEmpty()) {
            throw new IllegalArgumentException("a workload's SPIFFE ID must have a path ('" + SCHEME
                    + parsed.trustDomain + "' names the trust domain itself)");
        }
        return parsed;
    }

    /** Any valid SPIFFE ID, the trust domain's own ID ({@code spiffe://td}) included. */
    public static SpiffeId parse(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("SPIFFE ID missing or longer than " + MAX_LENGTH + " characters");
        }
        if (!id.startsWith(SCHEME)) {
            throw new IllegalArgumentException("SPIFFE ID must start with spiffe:// (lowercase)");
        }
        String rest = id.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String trustDomain = slash < 0 ? rest : rest.substring(0, slash);
        checkTrustDomain(trustDomain);
        List<String> segments = new ArrayList<>();
        if (slash >= 0) {
            for (String segment : rest.substring(slash + 1).split("/", -1)) {
                checkSegment(segment);
                segments.add(segment);
            }
        }
        return new SpiffeId(trustDomain, segments);
    }

    /**
     * Whether {@code id} is a valid workload ID; never throws. One pass over the characters, no allocation: the policy
     * engine asks this of every principal it decides for.
     */
    public static boolean isWorkload(String id) {
        if (id == null || id.length() > MAX_LENGTH || !id.startsWith(SCHEME)) {
            return false;
        }
        int i = SCHEME.length();
        int start = i;
        while (i < id.length() && id.charAt(i) != '/') {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return false;
            }
            i++;
        }
        if (i == start || i - start > MAX_TRUST_DOMAIN_LENGTH || i == id.length()) {
            return false; // no trust domain, too long a one, or no path
        }
        while (i < id.length()) {
            int segment = ++i; // past the '/'
            while (i < id.length() && id.charAt(i) != '/') {
                char c = id.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                        || c == '_')) {
                    return false;
                }
                i++;
            }
            int length = i - segment;
            if (length == 0 || length == 1 && id.charAt(segment) == '.'
                    || length == 2 && id.charAt(segment) == '.' && id.charAt(segment + 1) == '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code value} claims to be a SPIFFE ID at all: its scheme is {@code spiffe} in any case. Such a value
     * must then parse as one; it is never treated as an ordinary name.
     */
    public static boolean looksLikeSpiffe(String value) {
        return value != null && value.regionMatches(true, 0, "spiffe:", 0, "spiffe:".length());
    }

    /** A trust domain name as the standard allows it. */
    public static void checkTrustDomain(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID has no trust domain");
        }
        if (name.length() > MAX_TRUST_DOMAIN_LENGTH) {
            throw new IllegalArgumentException("trust domain longer than " + MAX_TRUST_DOMAIN_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("trust domain characters are limited to lowercase letters, digits,"
                        + " '.', '-' and '_' (no port, userinfo or uppercase)");
            }
        }
    }

    /** One path segment as the standard allows it. */
    public static void checkSegment(String segment) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID path segments must not be empty (no '//' or trailing '/')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException("SPIFFE ID path segments must not be '.' or '..'");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_')) {
                throw new IllegalArgumentException("SPIFFE ID path segments are limited to letters, digits, '.', '-'"
                        + " and '_' (no query, fragment or percent-encoding)");
            }
        }
    }

    public boolean isWorkload() {
        return !segments.isEmpty();
    }

    public boolean memberOf(String trustDomainName) {
        return trustDomain.equals(trustDomainName == null ? null : trustDomainName.toLowerCase(Locale.ROOT));
    }

    /** The path ({@code /ns/shop/sa/checkout}), empty for the trust domain's own ID. */
    public String path() {
        return segments.isEmpty() ? "" : "/" + String.join("/", segments);
    }

    @Override
    public String toString() {
        return SCHEME + trustDomain + path();
    }
}
