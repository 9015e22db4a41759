package dev.tollgate.policy;

import java.util.List;

/**
 * Which principals a rule speaks about: {@code exact}, {@code prefix}, or a SPIFFE-ID {@code pattern} where {@code *}
 * is one path segment and a trailing {@code **} any rest ({@code spiffe://acme.demo/ns/&#42;/sa/checkout}); any of
 * them scoped to one token {@code issuer} ({@link Issued}), which is how principals that are not SPIFFE IDs are named.
 * SPIFFE values are checked with {@link SpiffeId}'s rules when the policy loads: a matcher that could never match a
 * valid workload ID (an uppercase trust domain, a {@code %2F}, the trust domain's own ID) is a load error.
 */
public sealed interface PrincipalMatcher {

    boolean matches(Principal principal);

    /** Matches as of {@code directory}: the tenant's entity data as this request sees it (groups). */
    default boolean matches(Principal principal, Entities directory) {
        return matches(principal);
    }

    /** The trust domain every matched principal belongs to, or {@code null} if the matcher does not pin one. */
    String trustDomain();

    /** The token issuer every matched principal was vouched for by, or {@code null} if the matcher does not pin one. */
    default String issuer() {
        return null;
    }

    /** Matches everyone in the tenant (no {@code principal:} in the rule). */
    record Any() implements PrincipalMatcher {
        @Override
        public boolean matches(Principal principal) {
            return true;
        }

        @Override
        public String trustDomain() {
            return null;
        }
    }

    /** One principal. A SPIFFE ID here must be a valid workload ID (checked at load). */
    record Exact(String id) implements PrincipalMatcher {
        public Exact {
            if (SpiffeId.looksLikeSpiffe(id)) {
                SpiffeId.workload(id);
            }
        }

        @Override
        public boolean matches(Principal principal) {
            return id.equals(principal.id());
        }

        @Override
        public String trustDomain() {
            return trustDomainOf(id);
        }
    }

    /**
     * Principals whose ID starts with {@code prefix}. A SPIFFE prefix must end its trust domain with {@code /}
     * ({@code spiffe://acme} would also match {@code spiffe://acme-evil/...}) and use only what a SPIFFE ID may contain,
     * so that it can match something.
     */
    record Prefix(String prefix) implements PrincipalMatcher {
        public Prefix {
            if (SpiffeId.looksLikeSpiffe(prefix)) {
                checkSpiffePrefix(prefix);
            }
        }

        @Override
        public boolean matches(Principal principal) {
            return principal.id().startsWith(prefix);
        }

        @Override
        public String trustDomain() {
            return trustDomainOf(prefix);
        }

        private static void checkSpiffePrefix(String prefix) {
            if (!prefix.startsWith(SpiffeId.SCHEME)) {
                throw new IllegalArgumentException("a SPIFFE prefix must start with spiffe:// (lowercase)");
            }
            String rest = prefix.substring(SpiffeId.SCHEME.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("a SPIFFE prefix must end its trust domain with '/' ('" + prefix
                        + "' would also match other trust domains); use '" + prefix + "/' or a pattern");
            }
            SpiffeId.checkTrustDomain(rest.substring(0, slash));
            String[] segments = rest.substring(slash + 1).split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                // The last part may be a partial segment, or empty when the prefix ends with '/'.
                if (i < segments.length - 1 || !segments[i].isEmpty()) {
                    SpiffeId.checkSegment(segments[i]);
                }
            }
        }
    }

    /**
     * A SPIFFE ID pattern: literal segments, {@code *} for exactly one segment, and a final {@code **} for any rest,
     * including none ({@code spiffe://acme.test/ns/prod/**} is {@code /ns/prod} and everything below it). The trust
     * domain is always literal. It matches valid workload IDs only, segment by segment, with the rules of
     * {@link SpiffeId}: {@code spiffe://acme.test/**} is exactly the set of acme.test's workloads.
     */
    record SpiffePattern(String pattern, String trustDomain, List<String> segments) implements PrincipalMatcher {

        static SpiffePattern of(String pattern) {
            if (pattern == null || !pattern.startsWith(SpiffeId.SCHEME)) {
                throw new IllegalArgumentException("a principal pattern must be a SPIFFE ID pattern (spiffe://...)");
            }
            String rest = pattern.substring(SpiffeId.SCHEME.length());
            int slash = rest.indexOf('/');
            String trustDomain = slash < 0 ? rest : rest.substring(0, slash);
            if (trustDomain.contains("*")) {
                throw new IllegalArgumentException("a principal pattern cannot wildcard the trust domain");
            }
            SpiffeId.checkTrustDomain(trustDomain);
            if (slash < 0) {
                throw new IllegalArgumentException("pattern '" + pattern + "' names the trust domain itself, which is"
                        + " never a workload; '" + pattern + "/**' names all its workloads");
            }
            List<String> segments = List.of(rest.substring(slash + 1).split("/", -1));
            for (int i = 0; i < segments.size(); i++) {
                String s = segments.get(i);
                if (s.equals("**")) {
                    if (i != segments.size() - 1) {
                        throw new IllegalArgumentException("'**' may only be the last segment of a principal pattern");
                    }
                } else if (!s.equals("*")) {
                    if (s.contains("*")) {
                        throw new IllegalArgumentException("'*' must be a whole path segment, '**' only the last one");
                    }
                    SpiffeId.checkSegment(s);
                }
            }
            return new SpiffePattern(pattern, trustDomain, segments);
        }

        @Override
        public boolean matches(Principal principal) {
            SpiffeId id = workloadOrNull(principal.id());
            return id != null && matches(id);
        }

        boolean matches(SpiffeId id) {
            if (!trustDomain.equals(id.trustDomain())) {
                return false;
            }
            List<String> actual = id.segments();
            for (int i = 0; i < segments.size(); i++) {
                String s = segments.get(i);
                if (s.equals("**")) {
                    return true;
                }
                if (i >= actual.size() || !(s.equals("*") || s.equals(actual.get(i)))) {
                    return false;
                }
            }
            return actual.size() == segments.size();
        }

        @Override
        public String toString() {
            return pattern;
        }
    }

    /**
     * A matcher scoped to one token issuer ({@code iss}): the principal must match and have been vouched for by that
     * issuer. A generic OIDC principal such as {@code 3f1c-client} means nothing without its issuer — two IdPs may
     * both have one — so a rule can name it only this way.
     */
    record Issued(String issuer, PrincipalMatcher id) implements PrincipalMatcher {
        @Override
        public boolean matches(Principal principal) {
            return issuer.equals(principal.issuer()) && id.matches(principal);
        }

        @Override
        public boolean matches(Principal principal, Entities directory) {
            return issuer.equals(principal.issuer()) && id.matches(principal, directory);
        }

        @Override
        public String trustDomain() {
            return id.trustDomain();
        }
    }

    /**
     * Members of any of the named groups of the tenant's entity data ({@code entities.yaml}), as of the same revision:
     * membership changes, and is reloaded, with the rules.
     */
    record InGroup(List<String> groups, Entities entities) implements PrincipalMatcher {
        @Override
        public boolean matches(Principal principal) {
            return matches(principal, entities);
        }

        @Override
        public boolean matches(Principal principal, Entities directory) {
            List<String> of = directory.groupsOf(principal);
            for (String g : groups) {
                if (of.contains(g)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String trustDomain() {
            return null;
        }

        @Override
        public String toString() {
            return "in-group " + groups;
        }
    }

    /**
     * The trust domain a SPIFFE ID, prefix or pattern pins: the text between {@code spiffe://} and the first
     * {@code /}, or {@code null} when there is no such complete trust domain.
     */
    static String trustDomainOf(String spiffe) {
        if (spiffe == null || !spiffe.startsWith(SpiffeId.SCHEME)) {
            return null;
        }
        String rest = spiffe.substring(SpiffeId.SCHEME.length());
        int slash = rest.indexOf('/');
        return slash <= 0 ? null : rest.substring(0, slash);
    }

    /** The principal's ID as a workload SPIFFE ID, or {@code null} when it is not one. */
    static SpiffeId workloadOrNull(String id) {
        if (id == null || !id.startsWith(SpiffeId.SCHEME)) {
            return null;
        }
        try {
            return SpiffeId.workload(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
