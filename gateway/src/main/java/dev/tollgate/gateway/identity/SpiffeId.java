package dev.tollgate.gateway.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID ({@code spiffe://trust-domain/path}), validated as the SPIFFE specification requires: lowercase trust
 * domain of {@code [a-z0-9.-_]}, no port, userinfo, query or fragment; path segments non-empty, not {@code .} or
 * {@code ..}, of {@code [a-zA-Z0-9.-_]} only (so no percent-encoding).
 */
public record SpiffeId(String trustDomain, String path) {

    private static final String SCHEME = "spiffe://";
    private static final int MAX_LENGTH = 2048;
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern SEGMENT = Pattern.compile("[a-zA-Z0-9._-]+");

    /** Parses and validates; throws {@link IllegalArgumentException} saying which rule failed. */
    public static SpiffeId parse(String id) {
        if (id == null || id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("SPIFFE ID missing or too long");
        }
        if (!id.regionMatches(true, 0, SCHEME, 0, SCHEME.length()) || !id.startsWith(SCHEME)) {
            throw new IllegalArgumentException("SPIFFE ID must start with spiffe://");
        }
        String rest = id.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String td = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        if (td.isEmpty() || !TRUST_DOMAIN.matcher(td).matches()) {
            throw new IllegalArgumentException("SPIFFE ID trust domain must be lowercase letters, digits, '.', '-' or '_'"
                    + " (no port, userinfo or uppercase)");
        }
        if (!path.isEmpty()) {
            for (String segment : path.substring(1).split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                        || !SEGMENT.matcher(segment).matches()) {
                    throw new IllegalArgumentException("SPIFFE ID path segments must be non-empty, not '.' or '..',"
                            + " and use only letters, digits, '.', '-' or '_' (no query, fragment or percent-encoding)");
                }
            }
        }
        return new SpiffeId(td, path);
    }

    /** The single URI SAN of an X.509-SVID as a SPIFFE ID; exactly one URI SAN is allowed. */
    public static SpiffeId fromCertificate(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        if (uris.size() != 1) {
            throw new IllegalArgumentException("an X.509-SVID must have exactly one URI SAN, found " + uris.size());
        }
        return parse(uris.get(0));
    }

    static List<String> uriSans(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            return sans.stream().filter(san -> Integer.valueOf(6).equals(san.get(0)))
                    .map(san -> String.valueOf(san.get(1))).toList();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subject alternative names");
        }
    }

    public boolean memberOf(String trustDomainName) {
        return trustDomain.equals(trustDomainName.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return SCHEME + trustDomain + path;
    }
}
