package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 3: another policy directory is activated as a whole, or refused as a whole; a rollback returns to the
 * directory active before; reloads follow the active directory.
 */
class RevisionActivationTest {

    @TempDir
    Path active;
    @TempDir
    Path candidate;

    private static final Principal BOT = new Principal("spiffe://acme.test/ns/ci/sa/bot", "acme.test", "acme", null,
            Map.of(), Set.of(CredentialKind.MTLS));

    private static void write(Path dir, String action) throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/tenant.yaml"), "tenant: acme\ntrust-domains: [acme.test]\nresources: [/docs/]\n");
        Files.writeString(dir.resolve("acme/rules.yaml"), """
                tenant: acme
                rules:
                  - id: bot-%s
                    effect: permit
                    principal: { exact: "spiffe://acme.test/ns/ci/sa/bot" }
                    action: [%s]
                    resource: /docs/**
                """.formatted(action.toLowerCase(), action));
    }

    private static boolean may(PolicyEngine e, String action) {
        return e.authorize(new AccessRequest("acme", BOT, action, "/docs/1", Map.of(), Map.of(), Map.of(),
                Instant.now())).allowed();
    }

    @Test
    void aCandidateIsActivatedWholeRefusedWholeAndRolledBack() throws IOException {
        write(active, "GET");
        write(candidate, "PUT");
        PolicyEngine e = PolicyEngine.load(active, Clock.systemUTC());
        assertThatThrownBy(e::rollback).isInstanceOf(IllegalStateException.class);
        Revision before = e.revision("acme").orElseThrow();

        e.activate(candidate);
        assertThat(e.directory()).isEqualTo(candidate);
        assertThat(may(e, "PUT")).isTrue();
        assertThat(may(e, "GET")).isFalse();
        assertThat(e.revision("acme").orElseThrow()).isNotEqualTo(before);

        Files.writeString(candidate.resolve("acme/rules.yaml"), "tenant: acme\nrules: [{id: x, effect: maybe}]\n");
        assertThat(e.reload().applied()).as("reloads follow the active directory, and refuse as ever").isFalse();
        Path broken = candidate;
        assertThatThrownBy(() -> e.activate(broken)).isInstanceOf(PolicyLoadException.class);
        assertThat(may(e, "PUT")).as("a refused activation changes nothing").isTrue();

        e.rollback();
        assertThat(e.directory()).isEqualTo(active);
        assertThat(may(e, "GET")).isTrue();
        assertThat(e.revision("acme").orElseThrow()).isEqualTo(before);
    }
}
