package dev.tollgate.gateway.authn;

/** RFC 6750 {@code WWW-Authenticate: Bearer} challenges. Descriptions are fixed strings: never echo client input. */
public final class BearerChallenge {

    public static final String REALM = "tollgate";

    private BearerChallenge() {
    }

    /** A challenge without an error: the request carried no credentials (RFC 6750 3.1). */
    public static String of() {
        return "Bearer realm=\"" + REALM + "\"";
    }

    /** {@code error} is {@code invalid_token} or {@code invalid_request}. */
    public static String of(String error, String description) {
        return "Bearer realm=\"" + REALM + "\", error=\"" + error + "\", error_description=\""
                + description.replace('"', '\'') + "\"";
    }
}
