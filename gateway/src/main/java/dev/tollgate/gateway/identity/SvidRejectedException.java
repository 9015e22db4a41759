package dev.tollgate.gateway.identity;

import java.security.cert.CertificateException;

/** A client certificate that is not an acceptable X.509-SVID; {@code reason} is a stable code for logs and metrics. */
public class SvidRejectedException extends RuntimeException {

    private final String reason;

    public SvidRejectedException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    CertificateException asCertificateException() {
        return new CertificateException(reason + ": " + getMessage());
    }
}
