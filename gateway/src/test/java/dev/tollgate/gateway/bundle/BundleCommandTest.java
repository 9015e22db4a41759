package dev.tollgate.gateway.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, item 2: the bundle CLI makes a key, builds and signs the shipped example policies, and verifies them. */
class BundleCommandTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream out, String... args) {
        return BundleCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void keygenBuildVerifyAndATamperedBundleIsRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String secret = dir.resolve("signing.jwk").toString();
        String keys = dir.resolve("keys.jwks").toString();
        String bundle = dir.resolve("bundle.zip").toString();
        assertThat(run(out, "keygen", secret, keys)).isZero();
        assertThat(Files.readString(Path.of(keys))).doesNotContain("\"d\"");
        assertThat(run(out, "build", "../config/policies", bundle, "--key", secret, "--label", "demo-1")).isZero();
        assertThat(run(out, "verify", bundle, "--keys", keys)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("label 'demo-1'").contains("acme/tenant.yaml");
        assertThat(run(out, "build", "../config/policies", bundle, "--key", keys)).as("a public key cannot sign")
                .isEqualTo(2);

        var entries = PolicyBundleTest.entries(Files.readAllBytes(Path.of(bundle)));
        entries.put("acme/tenant.yaml", "tenant: acme\ntrust-domains: [evil.test]\nresources: [/]\n"
                .getBytes(StandardCharsets.UTF_8));
        Files.write(Path.of(bundle), PolicyBundleTest.zip(entries));
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertThat(run(refused, "verify", bundle, "--keys", keys)).isEqualTo(2);
        assertThat(refused.toString(StandardCharsets.UTF_8)).contains("refused (bundle.digest)");
        assertThat(run(new ByteArrayOutputStream(), "frobnicate")).isEqualTo(2);
    }
}
