package dev.tollgate.gateway.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.policy.PolicyEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 2: signed policy bundles. A bundle built and signed from a folder verifies and loads as that folder;
 * every way of altering one — a changed, added, removed or renamed file, a name that leaves the folder, a manifest
 * signed by another key, with a MAC, or not at all, an archive that expands without bound — is refused with its
 * reason. Variants are generated: each file of the bundle, altered at a random byte.
 */
class PolicyBundleTest {

    @TempDir
    Path dir;

    private ECKey key;
    private JWKSet keys;
    private Path policies;

    @BeforeEach
    void folder() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        keys = new JWKSet(key.toPublicJWK());
        policies = dir.resolve("policies");
        Files.createDirectories(policies.resolve("acme"));
        Files.writeString(policies.resolve("acme/tenant.yaml"), """
                tenant: acme
                trust-domains: [acme.test]
                resources: [/api/acme/]
                """);
        Files.writeString(policies.resolve("acme/rules.yaml"), """
                tenant: acme
                rules:
                  - id: reads
                    effect: permit
                    principal: { prefix: "spiffe://acme.test/" }
                    action: [GET]
                    resource: /api/acme/**
                """);
        Files.writeString(policies.resolve("README.txt"), "not policy: left out of the bundle");
    }

    @Test
    void aBuiltBundleVerifiesAndLoadsAsItsFolder() throws IOException {
        byte[] bundle = PolicyBundle.build(policies, key, "2026-12-02.1");
        PolicyBundle.Contents c = PolicyBundle.verify(bundle, keys);
        assertThat(c.files()).containsOnlyKeys("acme/tenant.yaml", "acme/rules.yaml");
        assertThat(c.label()).isEqualTo("2026-12-02.1");
        Path unpacked = dir.resolve("unpacked");
        PolicyBundle.unpack(c, unpacked);
        assertThat(PolicyEngine.load(unpacked, Clock.systemUTC()).revisions())
                .isEqualTo(PolicyEngine.load(policies, Clock.systemUTC()).revisions());
    }

    @Test
    void everyAlteredFileIsRefused() throws IOException {
        byte[] bundle = PolicyBundle.build(policies, key, null);
        Map<String, byte[]> entries = entries(bundle);
        Random random = new Random(16);
        for (String name : entries.keySet()) {
            for (int round = 0; round < 20; round++) {
                Map<String, byte[]> altered = new LinkedHashMap<>(entries);
                byte[] bytes = altered.get(name).clone();
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                altered.put(name, bytes);
                assertThatThrownBy(() -> PolicyBundle.verify(zip(altered), keys)).as(name)
                        .isInstanceOf(BundleRefusedException.class);
            }
        }
    }

    @Test
    void addedRemovedRenamedAndEscapingFilesAreRefused() throws IOException {
        Map<String, byte[]> entries = entries(PolicyBundle.build(policies, key, null));
        Map<String, byte[]> added = new LinkedHashMap<>(entries);
        added.put("acme/extra.yaml", "tenant: acme\nrules: []\n".getBytes(StandardCharsets.UTF_8));
        assertReason(added, "bundle.files");
        Map<String, byte[]> removed = new LinkedHashMap<>(entries);
        removed.remove("acme/rules.yaml");
        assertReason(removed, "bundle.files");
        Map<String, byte[]> renamed = new LinkedHashMap<>(entries);
        renamed.put("globex/rules.yaml", renamed.remove("acme/rules.yaml"));
        assertReason(renamed, "bundle.files");
        for (String escaping : new String[] {"../acme/rules.yaml", "/etc/rules.yaml", "acme/../../x.yaml",
                "acme/sub/deep.yaml", "acme\\rules.yaml", "acme/rules.sh"}) {
            Map<String, byte[]> bad = new LinkedHashMap<>(entries);
            bad.put(escaping, "x".getBytes(StandardCharsets.UTF_8));
            assertReason(bad, "bundle.file-name");
        }
        Map<String, byte[]> unsigned = new LinkedHashMap<>(entries);
        unsigned.remove(PolicyBundle.MANIFEST);
        assertReason(unsigned, "bundle.unsigned");
    }

    @Test
    void aManifestSignedByAnotherKeyWithAMacOrWithoutTheTypeIsRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID(key.getKeyID()).generate();
        assertThatThrownBy(() -> PolicyBundle.verify(PolicyBundle.build(policies, other, null), keys))
                .isInstanceOfSatisfying(BundleRefusedException.class, e -> assertThat(e.reason())
                        .isEqualTo("bundle.signature"));
        Map<String, byte[]> entries = entries(PolicyBundle.build(policies, key, null));
        String payload = JWSObject.parse(new String(entries.get(PolicyBundle.MANIFEST), StandardCharsets.US_ASCII))
                .getPayload().toString();
        JWSObject mac = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(PolicyBundle.TYPE).build(),
                new Payload(payload));
        mac.sign(new MACSigner(new byte[32]));
        entries.put(PolicyBundle.MANIFEST, mac.serialize().getBytes(StandardCharsets.US_ASCII));
        assertReason(entries, "bundle.signature");
        JWSObject untyped = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new Payload(payload));
        untyped.sign(new ECDSASigner(key));
        entries.put(PolicyBundle.MANIFEST, untyped.serialize().getBytes(StandardCharsets.US_ASCII));
        assertReason(entries, "bundle.signature");
        assertThatThrownBy(() -> PolicyBundle.verify("not a zip".getBytes(StandardCharsets.US_ASCII), keys))
                .isInstanceOf(BundleRefusedException.class);
    }

    @Test
    void anArchiveThatExpandsWithoutBoundIsRefusedBeforeItIsRead() throws IOException {
        Map<String, byte[]> entries = entries(PolicyBundle.build(policies, key, null));
        entries.put("acme/huge.yaml", new byte[(int) PolicyBundle.MAX_FILE_BYTES + 1]); // compresses to ~9 KB
        byte[] bomb = zip(entries);
        assertThat(bomb.length).isLessThan(100_000);
        assertReason(entries, "bundle.too-large");
    }

    private void assertReason(Map<String, byte[]> entries, String reason) throws IOException {
        byte[] bundle = zip(entries);
        assertThatThrownBy(() -> PolicyBundle.verify(bundle, keys)).as(reason)
                .isInstanceOfSatisfying(BundleRefusedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static Map<String, byte[]> entries(byte[] bundle) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), zip.readAllBytes());
            }
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
