package dev.tollgate.gateway.route;

/**
 * One spelling per path. Policy matches the request path as it arrived (percent-encoded, segment by segment), and the
 * upstream gets that same path; an upstream that normalises it (removes {@code ..}, merges {@code //}, decodes
 * {@code %61} or {@code %2F}, strips {@code ;params}) would serve a resource the policy never saw:
 * {@code GET /api/acme/orders/..} matches a permit on {@code /api/acme/orders/{id}} and reads {@code /api/acme/}. So
 * a path not in RFC 3986's normal form, or with a spelling that servers read in different ways, is refused before
 * routing rather than rewritten: the client that sent it is not a well-behaved one (RFC 3986 section 6.2.2 says URI
 * producers should not create these forms), and a rewrite would be a second place where paths are interpreted.
 * <p>
 * Refused: anything but printable ASCII; a path not starting with {@code /}; {@code .} and {@code ..} segments; an
 * empty segment inside the path ({@code //}; a trailing {@code /} is fine); {@code \}; {@code ;}; a malformed
 * {@code %} escape; lowercase hex in an escape; an escaped unreserved character ({@code %41}, {@code %2E}); escaped
 * bytes that are not well-formed UTF-8 (the overlong {@code %C0%AE} is {@code .} to some servers); characters that
 * some servers read as ASCII letters, digits or delimiters (the fullwidth {@code ．} and {@code ／}, see
 * {@link #readAsAscii}); escaped control
 * characters, {@code %25} (read twice by some servers), {@code %3B}, {@code %5C}, {@code %3F} and {@code %23} (a proxy
 * that decodes the path before passing it on turns them into a query or a fragment); and {@code %2F} unless
 * {@code tollgate.limits.allow-encoded-slashes} says the APIs behind the gateway use it inside a segment. This is
 * Spring Security's {@code StrictServerWebExchangeFirewall} list, with RFC 3986's normal form added.
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    /**
     * Why {@code rawPath} (the request target's path, still percent-encoded) is refused, or {@code null} when it is in
     * normal form.
     */
    public static String refusal(String rawPath, boolean allowEncodedSlashes) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return "the request path must start with '/'";
        }
        int segmentStart = 1;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "the request path may only hold printable ASCII; send other characters percent-encoded";
            }
            switch (c) {
                case '\\' -> {
                    return "the request path must not contain '\\'";
                }
                case ';' -> {
                    return "the request path must not contain ';' (path parameters are read differently by servers)";
                }
                case '/' -> {
                    if (i > 0) {
                        String problem = segment(rawPath, segmentStart, i, false);
                        if (problem != null) {
                            return problem;
                        }
                    }
                    segmentStart = i + 1;
                }
                case '%' -> {
                    String problem = escape(rawPath, i, allowEncodedSlashes);
                    if (problem != null) {
                        return problem;
                    }
                    int end = i + 3;
                    if (hex(rawPath.charAt(i + 1)) >= 8) {
                        // Non-ASCII: the run of escapes must be well-formed UTF-8. An overlong form (%C0%AE is '.')
                        // or a stray byte is read as '.' or '/' by some servers and as nothing by others.
                        Utf8Run run = utf8Run(rawPath, i);
                        if (run == null) {
                            return "the request path's percent-encoded bytes must be well-formed UTF-8";
                        }
                        if (readAsAscii(run.text())) {
                            return "the request path must not contain characters that some servers read as ASCII"
                                    + " letters, digits or delimiters (fullwidth forms, U+2215, U+00A5; send ASCII)";
                        }
                        end = run.end();
                    }
                    i = end - 1;
                }
                default -> {
                }
            }
        }
        return segment(rawPath, segmentStart, rawPath.length(), true);
    }

    private static String segment(String path, int from, int to, boolean last) {
        int length = to - from;
        if (length == 0 && !last) {
            return "the request path must not contain an empty segment ('//')";
        }
        if (length == 1 && path.charAt(from) == '.' || length == 2 && path.startsWith("..", from)) {
            return "the request path must not contain '.' or '..' segments";
        }
        return null;
    }

    private static String escape(String path, int at, boolean allowEncodedSlashes) {
        if (at + 2 >= path.length() || hex(path.charAt(at + 1)) < 0 || hex(path.charAt(at + 2)) < 0) {
            return "the request path has a malformed percent-encoding";
        }
        char hi = path.charAt(at + 1);
        char lo = path.charAt(at + 2);
        if (Character.isLowerCase(hi) || Character.isLowerCase(lo)) {
            return "the request path's percent-encodings must use uppercase hex digits (RFC 3986 section 6.2.2.1)";
        }
        int b = hex(hi) << 4 | hex(lo);
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_'
                || b == '~') {
            return "the request path must not percent-encode '" + (char) b + "' (RFC 3986 section 6.2.2.2)";
        }
        if (b < 0x20 || b == 0x7f) {
            return "the request path must not contain encoded control characters";
        }
        if (b == '%' || b == ';' || b == '\\' || b == '?' || b == '#') {
            return "the request path must not contain an encoded '" + (char) b + "'";
        }
        if (b == '/' && !allowEncodedSlashes) {
            return "the request path must not contain an encoded '/' (tollgate.limits.allow-encoded-slashes)";
        }
        return null;
    }

    /** A run of escaped non-ASCII bytes, decoded, and the index just past it. */
    private record Utf8Run(String text, int end) {
    }

    /** The run of escapes starting at {@code at}, if its bytes are well-formed UTF-8; else null. */
    private static Utf8Run utf8Run(String path, int at) {
        int end = at;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        // Uppercase only: a lowercase escape ends the run, and is refused on its own when the loop reaches it.
        while (end + 2 < path.length() && path.charAt(end) == '%' && hex(path.charAt(end + 1)) >= 8
                && !Character.isLowerCase(path.charAt(end + 1)) && hex(path.charAt(end + 2)) >= 0
                && !Character.isLowerCase(path.charAt(end + 2))) {
            bytes.write(hex(path.charAt(end + 1)) << 4 | hex(path.charAt(end + 2)));
            end += 3;
        }
        try {
            return new Utf8Run(java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString(), end);
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** The characters that give a path its structure, or a second spelling of one, to some server. */
    private static final String STRUCTURAL = "./\\%;?#";

    /**
     * Characters with no compatibility form that Windows' best fit nonetheless turns into a structural one: the
     * division and fraction slashes ({@code /}), the set minus ({@code \}), the Arabic percent sign, and the yen and won
     * signs ({@code \} on the Japanese and Korean code pages, where byte 0x5C is drawn as those signs).
     */
    private static final int[] BEST_FIT_STRUCTURAL = {0x00A5, 0x20A9, 0x2215, 0x2044, 0x2216, 0x066A};

    /**
     * Whether a server could read one of these (non-ASCII) characters as an ASCII letter, digit or structural
     * character. Unicode normalisation to compatibility form (NFKC, which applications apply to names they compare)
     * and Windows' "best fit" conversion to a code page (IIS and ANSI file APIs; the WorstFit attacks of 2024) turn
     * the fullwidth {@code ．} into {@code .}, {@code ／} into {@code /}, {@code ａｄｍｉｎ} into {@code admin},
     * {@code ‥} into {@code ..}: a segment policy never saw, or a dot segment. Refused: a character whose compatibility
     * form holds an ASCII letter, digit or one of {@code . / \ % ; ? #}, and the few that best fit maps to a structural
     * character without one ({@link #BEST_FIT_STRUCTURAL}, also when they are a compatibility form, as the fullwidth
     * yen is). Letters such as {@code é} or {@code 中}, and CJK punctuation that folds to harmless ASCII
     * ({@code ，！（）：} and the ideographic space), pass.
     */
    private static boolean readAsAscii(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (bestFitStructural(cp)) {
                return true;
            }
            String form = java.text.Normalizer.normalize(Character.toString(cp), java.text.Normalizer.Form.NFKC);
            for (int k = 0; k < form.length(); ) {
                int c = form.codePointAt(k);
                k += Character.charCount(c);
                if (c < 0x80 && (Character.isLetterOrDigit(c) || STRUCTURAL.indexOf(c) >= 0) || bestFitStructural(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean bestFitStructural(int cp) {
        for (int b : BEST_FIT_STRUCTURAL) {
            if (b == cp) {
                return true;
            }
        }
        return false;
    }

    /** The digit's value, or -1: ASCII hex digits only (unlike {@code Character.digit}, which takes fullwidth ones). */
    private static int hex(char c) {
        return java.util.HexFormat.isHexDigit(c) ? java.util.HexFormat.fromHexDigit(c) : -1;
    }
}
