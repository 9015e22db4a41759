package dev.tollgate.gateway.crypto;

/** A JWS that is not strictly well formed; the message says which rule failed and never echoes the input. */
public final class MalformedJwsException extends IllegalArgumentException {
    public MalformedJwsException(String message) {
        super(message);
    }
}
