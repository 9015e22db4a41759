package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: a misspelt field in {@code tenant.yaml} or a rule is a load error naming the file, the line and the field
 * meant — for generated misspellings of every field, so no typo starts silently (at start-up or on reload, which load
 * the same way).
 */
class PolicyDocumentStrictnessTest {

    @TempDir
    Path dir;

    static final List<String> TENANT_FIELDS = List.of("tenant", "label", "trust-domains", "issuers", "resources",
            "on-error");
    static final List<String> RULE_FIELDS = List.of("id", "effect", "principal", "action", "resource", "when",
            "schedule", "expires", "cross-tenant", "description");

    static List<String[]> misspellings() {
        List<String[]> out = new java.util.ArrayList<>();
        for (List<String> fields : List.of(TENANT_FIELDS, RULE_FIELDS)) {
            for (String field : fields) {
                String where = fields == TENANT_FIELDS ? "tenant" : "rule";
                for (String wrong : List.of(field + "s", field.substring(0, field.length() - 1),
                        field.substring(0, 1) + field.substring(2), field.replace("-", "_"))) {
                    if (!wrong.equals(field) && !fields.contains(wrong) && wrong.length() > 1) {
                        out.add(new String[] {where, field, wrong});
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}: {2} for {1}")
    @MethodSource("misspellings")
    void aMisspeltFieldNamesTheFileTheLineAndTheFieldMeant(String where, String field, String wrong)
            throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        String tenant = "tenant: acme\ntrust-domains: [acme.test]\nresources: [/api/acme/]\n";
        String rules = "tenant: acme\nrules:\n  - id: r1\n    effect: permit\n    resource: /api/acme/**\n";
        if (where.equals("tenant")) {
            tenant = tenant + wrong + ": x\n";
        } else {
            rules = rules + "    " + wrong + ": x\n";
        }
        Files.writeString(dir.resolve("acme/tenant.yaml"), tenant);
        Files.writeString(dir.resolve("acme/rules.yaml"), rules);
        int line = where.equals("tenant") ? 4 : 6;
        assertThatThrownBy(() -> PolicyEngine.load(dir, Clock.systemUTC()))
                .hasMessageContaining("unknown field '" + wrong + "'")
                .hasMessageContaining(where.equals("tenant") ? "tenant.yaml" : "rules.yaml")
                .hasMessageContaining(":" + line)
                .hasMessageContaining("did you mean '" + field + "'");
    }
}
