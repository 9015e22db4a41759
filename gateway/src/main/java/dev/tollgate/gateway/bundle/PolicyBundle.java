package dev.tollgate.gateway.bundle;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A signed policy bundle, in the spirit of OPA's: the policy folder (and entity data) as a ZIP archive with one more
 * entry, {@value #MANIFEST}, a compact JWS whose payload names every file with its SHA-256. Verifying checks the
 * signature against the configured keys, that every file is listed with its digest and nothing else is there, and
 * bounds what an archive may expand to; only then is it unpacked. A bundle that fails any check is refused whole.
 */
public final class PolicyBundle {

    static final String MANIFEST = ".manifest.jws";
    static final JOSEObjectType TYPE = new JOSEObjectType("tollgate-bundle+jws");
    /** Files are {@code <tenant>/<name>.yaml|yml|json}: nothing else is policy, and no name can leave the folder. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}/[A-Za-z0-9_.-]{1,128}\\.(ya?ml|json)");
    static final int MAX_FILES = 10_000;
    static final long MAX_FILE_BYTES = 8L * 1024 * 1024;
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.PS256, JWSAlgorithm.RS256);

    /** What a verified bundle holds: its files, its label (a revision name), when it was signed, its digest. */
    public record Contents(Map<String, byte[]> files, String label, Instant signedAt, String digest) {
    }

    private PolicyBundle() {
    }

    /** Packs {@code policies} (a folder of tenant folders) and signs it with {@code key} (a private JWK). */
    public static byte[] build(Path policies, JWK key, String label) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(policies, 2)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String name = policies.relativize(f).toString().replace('\\', '/');
                if (NAME.matcher(name).matches()) {
                    files.put(name, Files.readAllBytes(f));
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(policies + " holds no <tenant>/<file>.yaml policy files");
        }
        Map<String, Object> listed = new LinkedHashMap<>();
        files.forEach((name, bytes) -> listed.put(name, sha256(bytes)));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("files", listed);
        manifest.put("label", label == null ? "" : label);
        manifest.put("iat", Instant.now().getEpochSecond());
        String jws;
        try {
            JWSObject object = new JWSObject(new JWSHeader.Builder(algorithm(key)).keyID(key.getKeyID()).type(TYPE)
                    .build(), new Payload(manifest));
            object.sign(new DefaultJWSSignerFactory().createJWSSigner(key));
            jws = object.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(jws.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    /**
     * Verifies {@code bundle} against {@code keys} (public JWKs); {@link BundleRefusedException} names the first check
     * that failed.
     */
    public static Contents verify(byte[] bundle, JWKSet keys) {
        Map<String, byte[]> files = new TreeMap<>();
        String jws = null;
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                boolean manifest = name.equals(MANIFEST);
                if (!manifest && !NAME.matcher(name).matches()) {
                    throw new BundleRefusedException("bundle.file-name", "'" + name
                            + "' is not a <tenant>/<file>.yaml policy file");
                }
                byte[] bytes = readBounded(zip, MAX_FILE_BYTES, name);
                total += bytes.length;
                if (total > MAX_TOTAL_BYTES || files.size() >= MAX_FILES) {
                    throw new BundleRefusedException("bundle.too-large", "more than " + MAX_FILES + " files or "
                            + MAX_TOTAL_BYTES + " bytes unpacked");
                }
                if (manifest) {
                    jws = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
                } else if (files.put(name, bytes) != null) {
                    throw new BundleRefusedException("bundle.duplicate", "'" + name + "' is in the archive twice");
                }
            }
        } catch (IOException e) {
            throw new BundleRefusedException("bundle.unreadable", "not a readable ZIP archive: " + e.getMessage());
        }
        if (jws == null) {
            throw new BundleRefusedException("bundle.unsigned", "the bundle has no " + MANIFEST);
        }
        Map<String, Object> manifest = verified(jws, keys);
        if (!(manifest.get("files") instanceof Map<?, ?> listed)) {
            throw new BundleRefusedException("bundle.manifest", "the manifest lists no files");
        }
        if (!listed.keySet().equals(files.keySet())) {
            throw new BundleRefusedException("bundle.files", "the archive's files " + files.keySet()
                    + " are not the signed list " + new TreeMap<>(listed).keySet());
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (!sha256(f.getValue()).equals(listed.get(f.getKey()))) {
                throw new BundleRefusedException("bundle.digest", "'" + f.getKey()
                        + "' is not the file that was signed");
            }
        }
        Object iat = manifest.get("iat");
        return new Contents(files, String.valueOf(manifest.getOrDefault("label", "")),
                iat instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null, sha256(bundle));
    }

    /** Writes verified contents under {@code directory} (which must not exist yet), as the policy loader reads them. */
    public static void unpack(Contents contents, Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Map.Entry<String, byte[]> f : contents.files().entrySet()) {
            Path target = directory.resolve(f.getKey()).normalize();
            if (!target.startsWith(directory)) {
                throw new BundleRefusedException("bundle.file-name", "'" + f.getKey() + "' leaves the folder");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
        }
    }

    private static Map<String, Object> verified(String jws, JWKSet keys) {
        JWSObject object;
        try {
            object = JWSObject.parse(jws);
        } catch (java.text.ParseException e) {
            throw new BundleRefusedException("bundle.signature", "the manifest is not a JWS: " + e.getMessage());
        }
        JWSHeader header = object.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm()) || !TYPE.equals(header.getType())) {
            throw new BundleRefusedException("bundle.signature", "the manifest must be a " + TYPE
                    + " JWS signed with one of " + ALGORITHMS);
        }
        List<JWK> candidates = new JWKSelector(new JWKMatcher.Builder().keyID(header.getKeyID())
                .keyUses(KeyUse.SIGNATURE, null).build()).select(keys);
        for (JWK key : candidates) {
            try {
                JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(header,
                        key.toPublicJWK() instanceof com.nimbusds.jose.jwk.AsymmetricJWK a ? a.toPublicKey() : null);
                if (object.verify(verifier)) {
                    return object.getPayload().toJSONObject();
                }
            } catch (JOSEException | RuntimeException e) {
                // a key of another type: try the next
            }
        }
        throw new BundleRefusedException("bundle.signature", "the manifest's signature does not verify with any"
                + " configured key" + (header.getKeyID() == null ? "" : " (kid " + header.getKeyID() + ")"));
    }

    private static JWSAlgorithm algorithm(JWK key) {
        return switch (key.getKeyType().getValue()) {
            case "EC" -> JWSAlgorithm.ES256;
            case "RSA" -> JWSAlgorithm.PS256;
            default -> throw new IllegalArgumentException("a signing key is EC (P-256) or RSA");
        };
    }

    private static byte[] readBounded(InputStream in, long max, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) max + 1);
        if (bytes.length > max) {
            throw new BundleRefusedException("bundle.too-large", "'" + name + "' unpacks to more than " + max
                    + " bytes");
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
