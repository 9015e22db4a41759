package dev.tollgate.gateway.identity;

import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXReason;

/**
 * Why a presented certificate chain was refused, in the terms a TLS peer understands. Each failure names the OpenSSL
 * verification error that BoringSSL (netty-tcnative, Tollgate's default TLS provider) turns into the matching alert,
 * and the JDK reason that a JDK provider can map. The codes are OpenSSL's stable {@code X509_V_ERR_*} values, kept here
 * so that this class loads where netty-tcnative does not.
 */
public enum CertificateFailure {
    /** Not an acceptable X.509-SVID (SPIFFE ID, key usage, leaf is a CA): alert {@code bad_certificate}. */
    NOT_AN_SVID(28 /* X509_V_ERR_CERT_REJECTED */, CertPathValidatorException.BasicReason.UNSPECIFIED),
    /** Alert {@code certificate_expired}. */
    EXPIRED(10 /* X509_V_ERR_CERT_HAS_EXPIRED */, CertPathValidatorException.BasicReason.EXPIRED),
    /** BoringSSL sends {@code certificate_expired} for this too (a validity period that does not cover now). */
    NOT_YET_VALID(9 /* X509_V_ERR_CERT_NOT_YET_VALID */, CertPathValidatorException.BasicReason.NOT_YET_VALID),
    /** A signature in the chain does not verify: alert {@code bad_certificate}. */
    BAD_SIGNATURE(4 /* X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE */,
            CertPathValidatorException.BasicReason.INVALID_SIGNATURE),
    /** No path to the claimed trust domain's bundle, or an unknown trust domain: alert {@code unknown_ca}. */
    UNKNOWN_CA(20 /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */, PKIXReason.NO_TRUST_ANCHOR),
    /** An issuer in the chain is not a CA, or may not sign certificates: alert {@code unknown_ca}. */
    INVALID_CA(24 /* X509_V_ERR_INVALID_CA */, PKIXReason.NOT_CA_CERT),
    /** A CA's path length constraint is exceeded: alert {@code unknown_ca}. */
    PATH_LENGTH(25 /* X509_V_ERR_PATH_LENGTH_EXCEEDED */, PKIXReason.PATH_TOO_LONG),
    /** A CA's name constraints exclude the SPIFFE ID: alert {@code certificate_unknown}. */
    NAME_CONSTRAINTS(47 /* X509_V_ERR_PERMITTED_VIOLATION */, PKIXReason.INVALID_NAME),
    /** The extended key usage excludes this use (a server-only certificate as a client): alert
     * {@code unsupported_certificate}. */
    PURPOSE(26 /* X509_V_ERR_INVALID_PURPOSE */, PKIXReason.INVALID_KEY_USAGE);

    private final int opensslCode;
    private final CertPathValidatorException.Reason jdkReason;

    CertificateFailure(int opensslCode, CertPathValidatorException.Reason jdkReason) {
        this.opensslCode = opensslCode;
        this.jdkReason = jdkReason;
    }

    public int opensslCode() {
        return opensslCode;
    }

    public CertPathValidatorException.Reason jdkReason() {
        return jdkReason;
    }
}
