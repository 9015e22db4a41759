package dev.tollgate.gateway.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A trust domain's SPIFFE bundle (SPIFFE Trust Domain and Bundle spec §4): a JWKS whose keys are X.509 authorities
 * ({@code use: x509-svid}, one certificate in {@code x5c}) or JWT authorities ({@code use: jwt-svid}, with a
 * {@code kid}), plus {@code spiffe_sequence} and {@code spiffe_refresh_hint}. Keys of other uses are ignored, as the
 * spec asks; a malformed authority makes the whole bundle invalid (the caller keeps its last good one).
 *
 * @param sequence    {@code spiffe_sequence}, or {@code null}
 * @param refreshHint {@code spiffe_refresh_hint}, or {@code null}
 */
public record SpiffeBundle(List<X509Certificate> x509Authorities, JWKSet jwtAuthorities, Long sequence,
                           Duration refreshHint) {

    public SpiffeBundle {
        x509Authorities = List.copyOf(x509Authorities);
    }

    /** A bundle of X.509 authorities only (a PEM bundle file). */
    public static SpiffeBundle ofX509(List<X509Certificate> authorities) {
        return new SpiffeBundle(authorities, new JWKSet(), null, null);
    }

    public static SpiffeBundle parse(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("SPIFFE bundle is not a JWKS: " + e.getMessage());
        }
        List<X509Certificate> x509 = new ArrayList<>();
        List<JWK> jwt = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            String use = key.getKeyUse() == null ? null : key.getKeyUse().getValue();
            if ("x509-svid".equals(use)) {
                List<X509Certificate> chain = key.getParsedX509CertChain();
                if (chain == null || chain.size() != 1) {
                    throw new IllegalArgumentException("an x509-svid authority must have exactly one x5c certificate");
                }
                x509.add(chain.get(0));
            } else if ("jwt-svid".equals(use)) {
                if (key.getKeyID() == null || key.getKeyID().isEmpty()) {
                    throw new IllegalArgumentException("a jwt-svid authority must have a kid");
                }
                if (key.isPrivate()) {
                    throw new IllegalArgumentException("a jwt-svid authority must be a public key");
                }
                jwt.add(key);
            }
        }
        if (x509.isEmpty() && jwt.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE bundle has no x509-svid or jwt-svid authorities");
        }
        return new SpiffeBundle(x509, new JWKSet(jwt), number(set.getAdditionalMembers().get("spiffe_sequence")),
                seconds(set.getAdditionalMembers().get("spiffe_refresh_hint")));
    }

    private static Long number(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException("spiffe_sequence and spiffe_refresh_hint must be non-negative integers");
    }

    private static Duration seconds(Object value) {
        Long s = number(value);
        return s == null ? null : Duration.ofSeconds(s);
    }
}
