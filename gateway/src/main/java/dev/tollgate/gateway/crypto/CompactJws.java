package dev.tollgate.gateway.crypto;

import com.nimbusds.jose.util.Base64URL;
import dev.tollgate.gateway.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JWS in compact serialisation, split and decoded strictly, with a canonical identity.
 * <p>
 * Strict, because more than one spelling of the same token must not exist: each part must be base64url without
 * padding, without the standard alphabet's {@code +/}, and with zero trailing bits (RFC 7515 §2 and its Appendix C:
 * "base64url encoding ... with all trailing '=' characters omitted"; RFC 4648 §3.5 canonical encoding), and header and
 * payload must be JSON objects without duplicate member names (RFC 7515 §4, RFC 7519 §4: a parser MUST reject them
 * or take the last; two parsers taking different ones is how a token means two things). A lenient decoder would let
 * a caller re-spell a revoked token past a revocation by hash.
 * <p>
 * The identity ({@link #id()}) is the hex SHA-256 of the signing input {@code header.payload}: it names what the
 * signer said, not how the signature happens to be spelt — an ECDSA signature has a second valid value (r, n−s) for
 * the same input. Revocation, the verified-token cache and the decision log use it.
 *
 * @param header        the decoded protected header, member by member ({@code "jku": null} is a present member)
 * @param payload       the decoded payload when it is a JSON object, else {@code null}
 * @param encodedHeader the header part as sent
 * @param signingInput  {@code header.payload} as sent, the bytes the signature covers
 * @param signature     the signature part
 */
public record CompactJws(Map<String, Object> header, Map<String, Object> payload, Base64URL encodedHeader,
                         String signingInput, Base64URL signature) {

    private static final JsonMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * Splits and checks {@code compact}; the payload must be a JSON object (a JWT or a DPoP proof).
     *
     * @throws MalformedJwsException saying which rule failed (never echoing the input)
     */
    public static CompactJws parse(String compact) {
        return parse(compact, true);
    }

    /**
     * Splits and checks {@code compact}; with {@code jsonPayload} false the payload may be any bytes (as in the public
     * JWS conformance vectors) and {@link #payload()} is {@code null}.
     */
    public static CompactJws parse(String compact, boolean jsonPayload) {
        Parts parts = split(compact);
        return new CompactJws(json(parts.header(), "header"), jsonPayload ? json(parts.payload(), "payload") : null,
                new Base64URL(parts.header()), parts.signingInput(), new Base64URL(parts.signature()));
    }

    /**
     * The split parts only, without decoding the JSON.
     */
    public static Parts split(String compact) {
        if (compact == null) {
            throw new MalformedJwsException("no JWS");
        }
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first < 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
            throw new MalformedJwsException("a compact JWS has exactly three parts");
        }
        String header = compact.substring(0, first);
        String payload = compact.substring(first + 1, second);
        String signature = compact.substring(second + 1);
        canonical(header, "header");
        canonical(payload, "payload");
        canonical(signature, "signature");
        if (header.isEmpty() || signature.isEmpty()) {
            throw new MalformedJwsException("a signed JWS has a header and a signature");
        }
        String signingInput = compact.substring(0, second);
        return new Parts(header, payload, signature, signingInput);
    }

    /** The three parts as sent. */
    public record Parts(String header, String payload, String signature, String signingInput) {
    }

    /** Hex SHA-256 of {@code signingInput}, the identity; computed on each call (a DPoP proof never needs it). */
    public String id() {
        return Sha256.hex(signingInput);
    }

    public byte[] signingInputBytes() {
        return signingInput.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether a member is present in the header, whatever its value ({@code null}, {@code []} included). */
    public boolean hasHeader(String name) {
        return header.containsKey(name);
    }

    private static void canonical(String part, String what) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new MalformedJwsException("the " + what + " is not base64url without padding (RFC 7515 §2)");
            }
        }
        if (part.length() % 4 == 1) {
            throw new MalformedJwsException("the " + what + " has an impossible base64url length");
        }
        int rem = part.length() % 4;
        if (rem != 0) {
            // The last character carries 2 (rem 2) or 4 (rem 3) bits beyond the data: they must be zero (RFC 4648 §3.5).
            int last = value(part.charAt(part.length() - 1));
            int spare = rem == 2 ? 0x0F : 0x03;
            if ((last & spare) != 0) {
                throw new MalformedJwsException("the " + what + " is not canonical base64url (non-zero trailing bits)");
            }
        }
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String part, String what) {
        byte[] bytes = Base64.getUrlDecoder().decode(part);
        try {
            Object value = STRICT_JSON.readValue(bytes, Object.class);
            if (!(value instanceof Map<?, ?> map)) {
                throw new MalformedJwsException("the " + what + " is not a JSON object");
            }
            return (Map<String, Object>) map;
        } catch (JacksonException e) {
            throw new MalformedJwsException("the " + what + " is not a JSON object with unique member names");
        }
    }
}
