package dev.tollgate.gateway.identity;

import io.netty.handler.ssl.OpenSslCertificateException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * A client certificate that is not an acceptable X.509-SVID; {@code reason} is a stable code for logs and metrics,
 * {@link #failure()} what the TLS peer is told.
 */
public class SvidRejectedException extends RuntimeException {

    private final String reason;
    private final CertificateFailure failure;

    public SvidRejectedException(String reason, String message) {
        this(reason, message, CertificateFailure.NOT_AN_SVID);
    }

    public SvidRejectedException(String reason, String message, CertificateFailure failure) {
        super(message, null, false, false);
        this.reason = reason;
        this.failure = failure;
    }

    public String reason() {
        return reason;
    }

    public CertificateFailure failure() {
        return failure;
    }

    /**
     * The exception a trust manager throws: an {@link OpenSslCertificateException} carrying the OpenSSL error, so that
     * BoringSSL sends the matching alert instead of {@code internal_error}, caused by a
     * {@link CertPathValidatorException} with the JDK reason for providers that read it.
     */
    CertificateException asCertificateException() {
        CertPathValidatorException cause = new CertPathValidatorException(reason + ": " + getMessage(), null, null,
                -1, failure.jdkReason());
        return new OpenSslCertificateException(reason + ": " + getMessage(), cause, failure.opensslCode());
    }
}
