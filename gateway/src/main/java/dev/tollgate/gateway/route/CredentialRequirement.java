package dev.tollgate.gateway.route;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which credentials a route demands, written {@code mtls}, {@code jwt}, {@code mtls+jwt}, {@code mtls+cert-bound-jwt}
 * or {@code jwt+dpop} (parts joined by {@code +}, in any order).
 *
 * @param mtls      a client X.509-SVID on the connection
 * @param token     a workload JWT
 * @param certBound the JWT must be bound to the client certificate (RFC 8705); implies mtls and token
 * @param dpop      the JWT must be DPoP-bound and come with a proof (RFC 9449); implies token
 */
public record CredentialRequirement(boolean mtls, boolean token, boolean certBound, boolean dpop) {

    public static CredentialRequirement parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("Tollgate filter: 'requires' is empty");
        }
        Set<String> parts = new LinkedHashSet<>();
        for (String part : spec.toLowerCase(Locale.ROOT).split("\\+")) {
            parts.add(part.trim());
        }
        boolean mtls = parts.remove("mtls");
        boolean jwt = parts.remove("jwt");
        boolean certBound = parts.remove("cert-bound-jwt");
        boolean dpop = parts.remove("dpop");
        if (!parts.isEmpty()) {
            throw new IllegalArgumentException("Tollgate filter: unknown credential(s) " + parts
                    + " in 'requires: " + spec + "' (use mtls, jwt, cert-bound-jwt, dpop joined by '+')");
        }
        return new CredentialRequirement(mtls || certBound, jwt || certBound || dpop, certBound, dpop);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (mtls) {
            b.append("mtls");
        }
        if (token) {
            b.append(b.isEmpty() ? "" : "+").append(certBound ? "cert-bound-jwt" : "jwt");
        }
        if (dpop) {
            b.append("+dpop");
        }
        return b.toString();
    }
}
