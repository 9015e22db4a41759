package dev.tollgate.policy;

import java.util.regex.Pattern;

/**
 * Which principals a rule speaks about: {@code exact}, {@code prefix}, or a SPIFFE-ID {@code pattern} where {@code *}
 * is one path segment and a trailing {@code **} any rest ({@code spiffe://acme.demo/ns/&#42;/sa/checkout}); any of
 * them scoped to one token {@code issuer} ({@link Issued}), which is how principals that are not SPIFFE IDs are named.
 */
public sealed interface PrincipalMatcher {

    boolean matches(Principal principal);

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

    record Exact(String id) implements PrincipalMatcher {
        @Override
        public boolean matches(Principal principal) {
            return id.equals(principal.id());
        }

        @Override
        public String trustDomain() {
            return trustDomainOf(id);
        }
    }

    record Prefix(String prefix) implements PrincipalMatcher {
        @Override
        public boolean matches(Principal principal) {
            return principal.id().startsWith(prefix);
        }

        @Override
        public String trustDomain() {
            String td = trustDomainOf(prefix);
            // "spiffe://acme" would also match "spiffe://acme-evil/...": only a prefix that ends the trust domain pins it.
            return td != null && prefix.length() > "spiffe://".length() + td.length() ? td : null;
        }
    }

    record SpiffePattern(String pattern, Pattern regex) implements PrincipalMatcher {
        static SpiffePattern of(String pattern) {
            if (!pattern.startsWith("spiffe://")) {
                throw new IllegalArgumentException("a principal pattern must be a SPIFFE ID pattern (spiffe://...)");
            }
            StringBuilder re = new StringBuilder();
            String[] parts = pattern.split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    re.append('/');
                }
                String part = parts[i];
                if (part.equals("**") && i == parts.length - 1) {
                    re.append(".+");
                } else if (part.equals("*")) {
                    if (i <= 2) {
                        throw new IllegalArgumentException("a principal pattern cannot wildcard the trust domain");
                    }
                    re.append("[^/]+");
                } else if (part.contains("*")) {
                    throw new IllegalArgumentException("'*' must be a whole path segment, '**' only the last one");
                } else {
                    re.append(Pattern.quote(part));
                }
            }
            return new SpiffePattern(pattern, Pattern.compile(re.toString()));
        }

        @Override
        public boolean matches(Principal principal) {
            return regex.matcher(principal.id()).matches();
        }

        @Override
        public String trustDomain() {
            return trustDomainOf(pattern);
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
        public String trustDomain() {
            return id.trustDomain();
        }
    }

    static String trustDomainOf(String spiffe) {
        if (spiffe == null || !spiffe.startsWith("spiffe://")) {
            return null;
        }
        String rest = spiffe.substring("spiffe://".length());
        int slash = rest.indexOf('/');
        String td = slash < 0 ? rest : rest.substring(0, slash);
        return td.isEmpty() ? null : td;
    }
}
