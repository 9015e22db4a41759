package dev.tollgate.gateway.identity;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Orders a presented chain into a path and names why a path failed. Separate from {@link TrustDomains} so that the
 * trust rules read as rules, and the tolerance of real-world chains (RFC 8446 §4.4.2) lives in one place.
 */
final class CertificatePaths {

    private CertificatePaths() {
    }

    /**
     * The path from the leaf ({@code presented[0]}, which the TLS peer proved it holds) upwards through the other
     * presented certificates, in whatever order and with whatever duplicates they came, until a certificate issued by
     * one of {@code anchors}. Each step takes an issuer by name whose key verifies the signature, else one by name only
     * (so the validator reports the bad signature); the path stops where nothing presented issued the last one. The
     * PKIX validator then judges the path against the anchors alone.
     */
    static List<X509Certificate> fromPresented(X509Certificate[] presented, List<X509Certificate> anchors) {
        Set<X509Certificate> pool = new LinkedHashSet<>(List.of(presented).subList(1, presented.length));
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = presented[0];
        path.add(current);
        pool.remove(current);
        while (!issuedByAnchor(current, anchors) && path.size() < TrustDomains.MAX_PRESENTED) {
            X509Certificate issuer = issuerOf(current, pool);
            if (issuer == null) {
                break;
            }
            path.add(issuer);
            pool.remove(issuer);
            current = issuer;
        }
        return path;
    }

    private static boolean issuedByAnchor(X509Certificate cert, List<X509Certificate> anchors) {
        X500Principal issuer = cert.getIssuerX500Principal();
        return anchors.stream().anyMatch(a -> a.getSubjectX500Principal().equals(issuer));
    }

    private static X509Certificate issuerOf(X509Certificate cert, Set<X509Certificate> pool) {
        X509Certificate byName = null;
        for (X509Certificate candidate : pool) {
            if (!candidate.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                continue;
            }
            if (signs(candidate, cert)) {
                return candidate;
            }
            byName = byName == null ? candidate : byName;
        }
        return byName;
    }

    private static boolean signs(X509Certificate issuer, X509Certificate cert) {
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The real reason a validated path failed, logged and sent as the matching TLS alert. */
    static SvidRejectedException rejection(CertPathValidatorException e, String trustDomain) {
        CertPathValidatorException.Reason reason = e.getReason();
        String at = e.getIndex() <= 0 ? "the certificate" : "certificate " + e.getIndex() + " of the chain";
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return new SvidRejectedException("svid.expired", at + " has expired", CertificateFailure.EXPIRED);
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return new SvidRejectedException("svid.not-yet-valid", at + " is not valid yet",
                    CertificateFailure.NOT_YET_VALID);
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return new SvidRejectedException("svid.signature", "the signature on " + at + " does not verify",
                    CertificateFailure.BAD_SIGNATURE);
        }
        if (reason == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
            return new SvidRejectedException("svid.algorithm", at + " uses a disallowed algorithm or key size",
                    CertificateFailure.BAD_SIGNATURE);
        }
        if (reason == PKIXReason.PATH_TOO_LONG) {
            return new SvidRejectedException("svid.path-length", "the chain is longer than a CA's path length allows",
                    CertificateFailure.PATH_LENGTH);
        }
        if (reason == PKIXReason.INVALID_NAME) {
            return new SvidRejectedException("svid.name-constraints", "a CA's name constraints exclude " + at,
                    CertificateFailure.NAME_CONSTRAINTS);
        }
        if (reason == PKIXReason.NOT_CA_CERT || reason == PKIXReason.INVALID_KEY_USAGE) {
            return new SvidRejectedException("svid.invalid-ca", "an issuer in the chain is not a CA that may sign"
                    + " certificates", CertificateFailure.INVALID_CA);
        }
        if (reason == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
            return new SvidRejectedException("svid.critical-extension", at + " has a critical extension that is not"
                    + " understood", CertificateFailure.NOT_AN_SVID);
        }
        return new SvidRejectedException("svid.chain", "the certificate does not chain to trust domain "
                + trustDomain + "'s bundle", CertificateFailure.UNKNOWN_CA);
    }
}
