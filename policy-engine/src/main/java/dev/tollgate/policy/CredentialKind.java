package dev.tollgate.policy;

/** A credential that proved part of a principal's identity; policy conditions may require some. */
public enum CredentialKind {
    /** A client certificate (X.509-SVID) on the TLS connection. */
    MTLS,
    /** A verified workload token (JWT). */
    JWT,
    /** The token is bound to a key the caller proved possession of with a DPoP proof. */
    DPOP,
    /** The token is bound to the client certificate (RFC 8705 cnf.x5t#S256). */
    CERT_BOUND
}
