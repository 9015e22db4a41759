package dev.tollgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestPaths} against what servers do to a path before they route it. The security property: every path it
 * accepts is left unchanged by each of those rewrites, so the gateway's policy and any upstream read the same
 * resource. The usability property: every path it refuses is changed by one of them, or is not a valid path at all.
 * Both over every single escape ({@code %00}-{@code %FF}, both cases) and 20,000 generated paths made of the pieces
 * such attacks are made of.
 */
class RequestPathsTest {

    /** What an upstream (or a library in front of it) may do to a path before it routes it. */
    static final List<UnaryOperator<String>> REWRITES = List.of(
            RequestPathsTest::percentEncodingNormalised, // RFC 3986 6.2.2.1-2: uppercase hex, unreserved decoded
            p -> removeDotSegments(percentEncodingNormalised(p)), // RFC 3986 5.2.4, after decoding (%2E%2E is ..)
            p -> p.replaceAll("/{2,}", "/"), // nginx merge_slashes
            p -> p.replaceAll(";[^/]*", ""), // Servlet containers drop path parameters
            p -> p.replace('\\', '/'), // Windows servers read \ as /
            p -> decodeOnly(p, "%;\\?#"), // decoding %25 (read twice), %3B, %5C; %3F and %23 become a query
            p -> removeDotSegments(overlongDecoded(p)), // legacy decoders read %C0%AE as '.'
            RequestPathsTest::readAsAscii); // NFKC and Windows best fit: fullwidth forms, ∕, yen and won

    static final UnaryOperator<String> SLASHES_DECODED = p -> decodeOnly(p, "/");

    @Test
    void everySingleEscapeIsJudgedAsServersWouldReadIt() {
        for (int b = 0; b < 256; b++) {
            for (boolean lower : new boolean[] {false, true}) {
                String escape = String.format(lower ? "%%%02x" : "%%%02X", b);
                for (String path : List.of("/a/" + escape, "/a/x" + escape + "y/b", "/" + escape)) {
                    check(path, false);
                    check(path, true);
                }
            }
        }
    }

    /**
     * Every character outside ASCII, percent-encoded as UTF-8, alone in a segment: refused exactly when a server could
     * read it as ASCII. All of the Basic Multilingual Plane, the mathematical alphanumerics (NFKC turns {@code 𝐚}
     * into {@code a}) and a seeded sample of the other planes.
     */
    @Test
    void everyCharacterIsJudgedAsServersWouldReadIt() {
        List<Integer> codePoints = new ArrayList<>();
        for (int cp = 0x80; cp <= 0xFFFF; cp++) {
            codePoints.add(cp);
        }
        for (int cp = 0x1D400; cp <= 0x1D7FF; cp++) {
            codePoints.add(cp);
        }
        Random random = new Random(20261206);
        for (int n = 0; n < 5_000; n++) {
            codePoints.add(0x10000 + random.nextInt(0x100000));
        }
        int refused = 0;
        int accepted = 0;
        for (int cp : codePoints) {
            if (Character.getType(cp) == Character.SURROGATE) {
                continue;
            }
            String path = "/a/" + encoded(Character.toString(cp)) + "/b";
            if (check(path, false)) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(RequestPaths.refusal("/a/" + encoded("\uFF0E\uFF0E") + "/admin", false)).contains("read as ASCII");
        assertThat(RequestPaths.refusal("/a/" + encoded("\uFF41") + "dmin", false)).contains("read as ASCII");
        assertThat(RequestPaths.refusal("/a/" + encoded("\u00A5"), false)).contains("read as ASCII");
        assertThat(RequestPaths.refusal("/a/" + encoded("\uFFE5"), false)).as("fullwidth yen: NFKC ¥, best fit \\")
                .contains("read as ASCII");
        assertThat(RequestPaths.refusal("/a/.." + encoded("\u2215") + "admin", false)).contains("read as ASCII");
        assertThat(RequestPaths.refusal("/a/caf" + encoded("\u00E9") + "/" + encoded("\u4E2D\u6587"), false))
                .isNull();
        assertThat(RequestPaths.refusal("/a/" + encoded("\u4E2D\uFF0C\uFF01\uFF08\u3000\uFF09"), false))
                .as("CJK punctuation that folds to harmless ASCII").isNull();
        assertThat(refused).as("fullwidth forms, ligatures, compatibility letters").isGreaterThan(1_000);
        assertThat(accepted).as("letters of every script").isGreaterThan(50_000);
    }

    @Test
    void generatedPathsAreJudgedAsServersWouldReadThem() {
        String[] pieces = {"a", "Bc", "42", "-", "_", "~", ".", "..", "%2E", "%2e", ".%2E", "%41", "%2F", "%2f", "%5C",
            "%25", "%252E", "%20", "%C3%A9", "%c3%a9", "%00", "%0A", "%7F", "%3B", ";", ";x=1", "\\", "", ":", "@",
            "!$&'()*+,=", "%", "%4", "%G1", "é", " ", "\t", "%FF", "%C0%AE", "%C0%AF", "%E2%82%AC", "%3F", "%23",
            "%EF%BC%8E", "%EF%BC%8F", "%EF%BD%81", "%C2%A5", "%EF%AC%81", "%E4%B8%AD", "%E2%88%95", "%EF%BC%88",
            "%E2%80%A5", "%EF%BF%A5"};
        Random random = new Random(20261206);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder path = new StringBuilder();
            int segments = 1 + random.nextInt(4);
            for (int s = 0; s < segments; s++) {
                path.append('/');
                int parts = random.nextInt(3);
                for (int k = 0; k < parts; k++) {
                    path.append(pieces[random.nextInt(pieces.length)]);
                }
            }
            boolean allowEncodedSlashes = random.nextBoolean();
            if (check(path.toString(), allowEncodedSlashes)) {
                accepted++;
            }
        }
        assertThat(accepted).as("both outcomes are exercised").isBetween(2_000, 18_000);
    }

    @Test
    void theRequestTargetsThatAreNotPaths() {
        for (String path : new String[] {null, "", "*", "a/b", "?x"}) {
            assertThat(RequestPaths.refusal(path, true)).as(path).contains("must start with '/'");
        }
        assertThat(RequestPaths.refusal("/", false)).isNull();
        assertThat(RequestPaths.refusal("/a/b/", false)).as("a trailing slash has one reading").isNull();
        assertThat(RequestPaths.refusal("/a/%2F", false)).contains("allow-encoded-slashes");
        assertThat(RequestPaths.refusal("/a/%2F", true)).isNull();
    }

    /** The oracle itself, on RFC 3986 section 5.2.4's own examples. */
    @Test
    void removeDotSegmentsIsTheRfcs() {
        assertThat(removeDotSegments("/a/b/c/./../../g")).isEqualTo("/a/g");
        assertThat(removeDotSegments("mid/content=5/../6")).isEqualTo("mid/6");
        assertThat(removeDotSegments("/a/b/..")).isEqualTo("/a/");
        assertThat(removeDotSegments("/../x")).isEqualTo("/x");
    }

    /** Checks {@code path} both ways; true when accepted. */
    private static boolean check(String path, boolean allowEncodedSlashes) {
        String refusal = RequestPaths.refusal(path, allowEncodedSlashes);
        List<String> readings = readings(path, allowEncodedSlashes);
        if (refusal == null) {
            assertThat(readings).as("accepted %s (slashes %s): every server reads it as sent", path,
                    allowEncodedSlashes).containsOnly(path);
            assertThat(isValidPath(path)).as("accepted %s is a valid path", path).isTrue();
            return true;
        }
        assertThat(!isValidPath(path) || readings.stream().anyMatch(r -> !r.equals(path)))
                .as("refused %s (%s) though every server reads it as sent", path, refusal).isTrue();
        return false;
    }

    private static List<String> readings(String path, boolean allowEncodedSlashes) {
        List<String> out = new ArrayList<>();
        if (!isValidPath(path)) {
            return out;
        }
        REWRITES.forEach(r -> out.add(r.apply(path)));
        if (!allowEncodedSlashes) {
            out.add(SLASHES_DECODED.apply(path));
        }
        return out;
    }

    /**
     * Printable ASCII from a '/', every '%' starting two hex digits, no escaped control character, and the escaped
     * bytes well-formed UTF-8 (RFC 3987's mapping; anything else is read differently by every decoder).
     */
    private static boolean isValidPath(String path) {
        if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                || Pattern.compile("%(?![0-9A-Fa-f]{2})").matcher(path).find()
                || Pattern.compile("%([01][0-9A-Fa-f]|7[Ff])").matcher(path).find()) {
            return false;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '%') {
                bytes.write(Integer.parseInt(path.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(path.charAt(i));
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** A lenient decoder's reading of two-byte overlong forms: %C0%AE is '.', %C0%AF is '/'. */
    private static String overlongDecoded(String path) {
        return path.replaceAll("(?i)%C0%AE", ".").replaceAll("(?i)%C0%AF", "/");
    }

    /**
     * Windows best fit's structural mappings of characters without a compatibility form (from Microsoft's
     * {@code bestfit*.txt} tables, as the WorstFit research lists them): what a lenient upstream reads them as.
     */
    static final Map<Integer, Character> BEST_FIT = Map.of(0x2215, '/', 0x2044, '/', 0x2216, '\\', 0x066A, '%',
            0x00A5, '\\', 0x20A9, '\\');

    /**
     * A server that folds each run of non-ASCII characters to compatibility form (NFKC, over the whole run) and then
     * through best fit: its reading differs from the path as sent when that yields an ASCII letter or digit, or a
     * character that structures a path. Folding to other ASCII punctuation ({@code （} to {@code (}) is not counted:
     * no server routes on it.
     */
    private static String readAsAscii(String path) {
        Matcher m = Pattern.compile("(%[89A-Fa-f][0-9A-Fa-f])+").matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String run = m.group();
            byte[] bytes = new byte[run.length() / 3];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) Integer.parseInt(run.substring(3 * k + 1, 3 * k + 3), 16);
            }
            String text;
            try {
                text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                m.appendReplacement(out, Matcher.quoteReplacement(run));
                continue;
            }
            StringBuilder read = new StringBuilder();
            for (int cp : java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC).codePoints().toArray()) {
                read.append(BEST_FIT.containsKey(cp) ? Character.toString(BEST_FIT.get(cp)) : Character.toString(cp));
            }
            boolean changed = read.chars().anyMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c)
                    || "./\\%;?#".indexOf(c) >= 0));
            m.appendReplacement(out, Matcher.quoteReplacement(changed ? encodedNonAscii(read.toString()) : run));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code text} as UTF-8, every byte percent-encoded (uppercase). */
    private static String encoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            out.append(String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    /** {@code text} with its non-ASCII characters percent-encoded and its ASCII ones as they are. */
    private static String encodedNonAscii(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.append(cp < 0x80 ? Character.toString(cp) : encoded(Character.toString(cp))));
        return out.toString();
    }

    private static String percentEncodingNormalised(String path) {
        Matcher m = Pattern.compile("%([0-9A-Fa-f]{2})").matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int b = Integer.parseInt(m.group(1), 16);
            boolean unreserved = Character.isLetterOrDigit(b) && b < 0x80 || "-._~".indexOf(b) >= 0;
            m.appendReplacement(out, Matcher.quoteReplacement(unreserved ? String.valueOf((char) b)
                    : "%" + m.group(1).toUpperCase(Locale.ROOT)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decodeOnly(String path, String characters) {
        Matcher m = Pattern.compile("%([0-9A-Fa-f]{2})").matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            char c = (char) Integer.parseInt(m.group(1), 16);
            m.appendReplacement(out, Matcher.quoteReplacement(characters.indexOf(c) >= 0 ? String.valueOf(c)
                    : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** RFC 3986 section 5.2.4, as written there. */
    static String removeDotSegments(String input) {
        StringBuilder out = new StringBuilder();
        String in = input;
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./")) {
                in = in.substring(2);
            } else if (in.startsWith("/./")) {
                in = in.substring(2);
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../")) {
                in = in.substring(3);
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(last, 0));
            } else if (in.equals("/..")) {
                in = "/";
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(last, 0));
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int next = in.indexOf('/', in.startsWith("/") ? 1 : 0);
                String segment = next < 0 ? in : in.substring(0, next);
                out.append(segment);
                in = next < 0 ? "" : in.substring(next);
            }
        }
        return out.toString();
    }
}
