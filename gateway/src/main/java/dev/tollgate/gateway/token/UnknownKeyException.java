package dev.tollgate.gateway.token;

/** The token names a key its issuer has not published (yet): the caller may ask for one rate-limited refetch. */
public final class UnknownKeyException extends TokenRejectedException {

    private final transient IssuerKeys keys;

    public UnknownKeyException(IssuerKeys keys) {
        super("token.unknown-key", "token is signed by an unknown key");
        this.keys = keys;
    }

    public IssuerKeys keys() {
        return keys;
    }
}
