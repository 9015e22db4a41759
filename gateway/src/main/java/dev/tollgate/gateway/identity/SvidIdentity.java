package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * The identity an X.509-SVID carries: its single URI SAN, which must be a workload's SPIFFE ID (X509-SVID §2: exactly
 * one URI SAN; §2 and the SPIFFE ID standard: a workload's ID has a non-root path). Parsed by the same
 * {@link SpiffeId} the policy engine matches with.
 */
public final class SvidIdentity {

    private static final int URI_SAN = 6;

    private SvidIdentity() {
    }

    /** The workload SPIFFE ID of an X.509-SVID; throws {@link IllegalArgumentException} saying which rule failed. */
    public static SpiffeId of(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        if (uris.size() != 1) {
            throw new IllegalArgumentException("an X.509-SVID must have exactly one URI SAN, found " + uris.size());
        }
        return SpiffeId.workload(uris.get(0));
    }

    static List<String> uriSans(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            return sans.stream().filter(san -> Integer.valueOf(URI_SAN).equals(san.get(0)))
                    .map(san -> String.valueOf(san.get(1))).toList();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subject alternative names");
        }
    }
}
