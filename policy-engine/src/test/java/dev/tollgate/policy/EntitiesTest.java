package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entity data (issue 13, item 3): principals' attributes and groups and resources' attributes in
 * {@code entities.yaml}, typed by its schema, read by conditions and {@code in-group} matchers, reloaded with the
 * revision. Misspelt or mistyped data is a load error, like a misspelt rule.
 */
class EntitiesTest {

    @TempDir
    Path dir;
    @TempDir
    Path servedDir;

    private static final String IDP = "https://login.acme.test";
    private static final String OTHER_IDP = "https://login.other.test";
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private static final String TENANT = """
            tenant: acme
            trust-domains: [acme.test]
            issuers: ["%s", "%s"]
            resources: [/docs/]
            """.formatted(IDP, OTHER_IDP);

    private static final String RULES = """
            tenant: acme
            rules:
              - id: editors-write
                effect: permit
                principal: { in-group: [editors, admins] }
                action: [PUT]
                resource: /docs/{id}
              - id: owners-delete
                effect: permit
                action: [DELETE]
                resource: /docs/{id}
                when: resource.attrs.owner == principal.id
              - id: readers-read
                effect: permit
                action: [GET]
                resource: /docs/**
                when: "'reader' in principal.attrs.roles && principal.attrs.clearance >= resource.attrs.level"
              - id: contractors-never-delete
                effect: forbid
                action: [DELETE]
                resource: /docs/**
                when: principal.attrs.contractor
            """;

    private static final String ENTITIES = """
            tenant: acme
            schema:
              principal: { roles: list, clearance: int, contractor: bool, email: string }
              resource: { owner: string, level: int }
              groups: [editors, admins, auditors]
            principals:
              - id: alice
                issuer: "%s"
                groups: [editors]
                attributes: { roles: [reader], clearance: 3, email: alice@acme.test }
              - id: alice
                issuer: "%s"
                attributes: { roles: [], clearance: 0 }
              - id: spiffe://acme.test/ns/ci/sa/bot
                groups: [admins]
                attributes: { roles: [reader], clearance: 1, contractor: true }
            resources:
              - id: /docs/1
                attributes: { owner: alice, level: 2 }
              - id: /docs/2
                attributes: { owner: spiffe://acme.test/ns/ci/sa/bot, level: 1 }
            """.formatted(IDP, OTHER_IDP);

    private PolicyEngine engine(String rules, String entities) throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/tenant.yaml"), TENANT);
        Files.writeString(dir.resolve("acme/rules.yaml"), rules);
        if (entities != null) {
            Files.writeString(dir.resolve("acme/entities.yaml"), entities);
        }
        return PolicyEngine.load(dir, Clock.systemUTC());
    }

    private static Principal user(String id, String issuer) {
        return new Principal(id, null, "acme", issuer, Map.of(), Set.of(CredentialKind.JWT));
    }

    private static final Principal BOT = new Principal("spiffe://acme.test/ns/ci/sa/bot", "acme.test", "acme", null,
            Map.of(), Set.of(CredentialKind.MTLS));

    private static boolean allowed(PolicyEngine e, Principal p, String action, String resource) {
        return e.authorize(new AccessRequest("acme", p, action, resource, Map.of(), Map.of(), Map.of(), NOW))
                .allowed();
    }

    @Test
    void groupsAttributesAndResourceAttributesDecide() throws IOException {
        PolicyEngine e = engine(RULES, ENTITIES);
        Principal alice = user("alice", IDP);
        assertThat(allowed(e, alice, "PUT", "/docs/9")).as("editors group").isTrue();
        assertThat(allowed(e, BOT, "PUT", "/docs/9")).as("admins group").isTrue();
        assertThat(allowed(e, alice, "DELETE", "/docs/1")).as("owner").isTrue();
        assertThat(allowed(e, alice, "DELETE", "/docs/2")).as("not the owner").isFalse();
        assertThat(allowed(e, BOT, "DELETE", "/docs/2")).as("owner, but a contractor: forbid wins").isFalse();
        assertThat(allowed(e, alice, "GET", "/docs/1")).as("clearance 3 >= level 2").isTrue();
        assertThat(allowed(e, BOT, "GET", "/docs/1")).as("clearance 1 < level 2").isFalse();
        assertThat(allowed(e, BOT, "GET", "/docs/2")).isTrue();
        assertThat(allowed(e, alice, "GET", "/docs/unknown")).as("absent level reads 0").isTrue();
    }

    @Test
    void anEntryScopedToAnIssuerIsNotAnotherIssuersPrincipalOfTheSameName() throws IOException {
        PolicyEngine e = engine(RULES, ENTITIES);
        Principal otherAlice = user("alice", OTHER_IDP);
        assertThat(allowed(e, otherAlice, "PUT", "/docs/9")).as("not in editors").isFalse();
        assertThat(allowed(e, otherAlice, "GET", "/docs/1")).as("no reader role").isFalse();
        assertThat(allowed(e, user("alice", "https://unlisted.test"), "PUT", "/docs/9")).isFalse();
        assertThat(allowed(e, user("mallory", IDP), "GET", "/docs/1")).as("no entry: empty roles").isFalse();
    }

    @Test
    void entityDataIsPartOfTheRevisionAndAnInvalidChangeIsRefusedWhole() throws IOException {
        PolicyEngine e = engine(RULES, ENTITIES);
        Revision before = e.revision("acme").orElseThrow();
        Files.writeString(dir.resolve("acme/entities.yaml"), ENTITIES.replace("groups: [editors]", "groups: []"));
        assertThat(e.reload().applied()).isTrue();
        assertThat(e.revision("acme").orElseThrow()).isNotEqualTo(before);
        assertThat(allowed(e, user("alice", IDP), "PUT", "/docs/9")).isFalse();
        Files.writeString(dir.resolve("acme/entities.yaml"), ENTITIES.replace("clearance: 3", "clearance: high"));
        assertThat(e.reload().applied()).isFalse();
        assertThat(allowed(e, user("alice", IDP), "GET", "/docs/1")).as("last good data stays").isTrue();
    }

    @Test
    void mistakesInEntityDataAreLoadErrorsWithFileLineAndSuggestion() {
        record Case(String entities, String rules, String message) {
        }
        List<Case> cases = List.of(
                new Case(ENTITIES.replace("clearance: 3,", "clearence: 3,"), RULES, "did you mean 'clearance'"),
                new Case(ENTITIES.replace("clearance: 3", "clearance: \"3\""), RULES, "must be a int"),
                new Case(ENTITIES.replace("roles: [reader], clearance: 3", "roles: reader, clearance: 3"), RULES,
                        "must be a list of strings"),
                new Case(ENTITIES.replace("contractor: bool", "contractor: boolean"), RULES, "must be string, int"),
                new Case(ENTITIES.replace("principals:", "principal:"), RULES, "did you mean 'principals'"),
                new Case(ENTITIES.replace("groups: [editors]", "groups: [editor]"), RULES, "did you mean 'editors'"),
                new Case(ENTITIES.replace("- id: /docs/2", "- id: /docs/1"), RULES, "listed twice"),
                new Case(ENTITIES.replace("- id: /docs/2", "- id: docs/2"), RULES, "must be a path"),
                new Case(ENTITIES.replace("spiffe://acme.test/ns/ci/sa/bot\n", "spiffe://acme.test\n"), RULES,
                        "not a workload's SPIFFE ID"),
                new Case(ENTITIES.replace("tenant: acme", "tenant: globex"), RULES, "declares tenant 'globex'"),
                new Case(ENTITIES, RULES.replace("in-group: [editors, admins]", "in-group: [editorz]"),
                        "did you mean 'editors'"),
                new Case(ENTITIES, RULES.replace("principal.attrs.contractor", "principal.attrs.contracter"),
                        "does not type-check"),
                new Case(ENTITIES, RULES.replace("principal.attrs.clearance >= resource.attrs.level",
                        "principal.attrs.clearance >= resource.attrs.owner"), "does not type-check"),
                new Case(ENTITIES, RULES.replace("resource: /docs/{id}\n    when",
                        "resource: /docs/{attrs}\n    when"), "would hide resource.attrs"));
        for (Case c : cases) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> engine(c.rules(), c.entities()));
            assertThat(thrown).as(c.message()).isInstanceOf(PolicyLoadException.class)
                    .hasMessageContaining(c.message());
        }
    }

    @Test
    void requestPropertiesReachConditionsOnlyAsDeclaredTypes() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: owner-updates
                    effect: permit
                    principal: { issuer: "%s" }
                    action: [can_update_todo]
                    resource: /docs/**
                    when: resource.properties.ownerID == principal.attrs.email
                """.formatted(IDP), ENTITIES.replace("resource: { owner: string, level: int }",
                "resource: { owner: string, level: int }\n  properties: { resource: { ownerID: string } }"));
        Principal alice = user("alice", IDP);
        assertThat(decide(e, alice, Map.of("resource", Map.of("ownerID", "alice@acme.test")))).isTrue();
        assertThat(decide(e, alice, Map.of("resource", Map.of("ownerID", "bob@acme.test")))).isFalse();
        assertThat(decide(e, alice, Map.of("resource", Map.of("ownerID", 42)))).as("wrong type").isFalse();
        assertThat(decide(e, alice, Map.of())).as("absent: empty string").isFalse();
        assertThat(decide(e, user("alice", OTHER_IDP), Map.of("resource", Map.of("ownerID", "")))).as(
                "an absent email and an absent owner are both empty, yet the rule names its issuer").isFalse();
    }

    private static boolean decide(PolicyEngine e, Principal p, Map<String, Object> properties) {
        return e.authorize(new AccessRequest("acme", p, "can_update_todo", "/docs/7", Map.of(), Map.of(),
                Map.of("properties", properties), NOW)).allowed();
    }

    /** Generated directories: membership and attributes decide exactly as a plain reading of the data says. */
    @Test
    void generatedDirectoriesAgreeWithAReferenceReading() throws IOException {
        Random random = new Random(13);
        List<String> groups = List.of("editors", "admins", "auditors", "ops");
        for (int round = 0; round < 20; round++) {
            StringBuilder entities = new StringBuilder("""
                    tenant: acme
                    schema:
                      principal: { roles: list, clearance: int, contractor: bool, email: string }
                      resource: { owner: string, level: int }
                      groups: [editors, admins, auditors, ops]
                    principals:
                    """);
            Map<String, List<String>> memberOf = new HashMap<>();
            Map<String, Integer> clearance = new HashMap<>();
            List<String> users = new ArrayList<>();
            for (int u = 0; u < 30; u++) {
                String id = "user-" + u;
                users.add(id);
                List<String> mine = new ArrayList<>();
                for (String g : groups) {
                    if (random.nextInt(3) == 0) {
                        mine.add(g);
                    }
                }
                if (u == 0) {
                    mine = new ArrayList<>(groups);
                }
                memberOf.put(id, mine);
                clearance.put(id, random.nextInt(5));
                entities.append("  - id: ").append(id).append("\n    issuer: \"").append(IDP).append("\"\n")
                        .append("    groups: ").append(mine).append("\n    attributes: { roles: [reader], clearance: ")
                        .append(clearance.get(id)).append(" }\n");
            }
            entities.append("resources:\n");
            Map<String, Integer> level = new HashMap<>();
            for (int r = 0; r < 10; r++) {
                level.put("/docs/" + r, random.nextInt(5));
                entities.append("  - id: /docs/").append(r).append("\n    attributes: { level: ")
                        .append(level.get("/docs/" + r)).append(" }\n");
            }
            PolicyEngine e = engine(RULES, entities.toString());
            for (String id : users) {
                Principal p = user(id, IDP);
                boolean writer = memberOf.get(id).contains("editors") || memberOf.get(id).contains("admins");
                assertThat(allowed(e, p, "PUT", "/docs/3")).as("%s in %s", id, memberOf.get(id)).isEqualTo(writer);
                for (int r = 0; r < 10; r++) {
                    assertThat(allowed(e, p, "GET", "/docs/" + r))
                            .isEqualTo(clearance.get(id) >= level.get("/docs/" + r));
                }
            }
        }
    }

    private static final String SERVED = """
            tenant: acme
            directory: store
            schema:
              principal: { roles: list, clearance: int, contractor: bool, email: string }
              resource: { owner: string, level: int }
              groups: [editors, admins, auditors]
            """;

    /**
     * A directory kept in a store decides exactly as the same data in the file: the file engine is the reference, the
     * served engine gets each request's entries as a caller looking them up would pass them.
     */
    @Test
    void aStoreServedDirectoryDecidesAsTheSameDataInTheFile() throws IOException {
        PolicyEngine file = engine(RULES, ENTITIES);
        Path other = servedDir;
        Files.createDirectories(other.resolve("acme"));
        Files.writeString(other.resolve("acme/tenant.yaml"), TENANT);
        Files.writeString(other.resolve("acme/rules.yaml"), RULES);
        Files.writeString(other.resolve("acme/entities.yaml"), SERVED);
        PolicyEngine served = PolicyEngine.load(other, Clock.systemUTC());
        assertThat(served.servedDirectory("acme")).isPresent();
        assertThat(file.servedDirectory("acme")).isEmpty();
        Entities data = fileEntities();
        for (Principal p : List.of(user("alice", IDP), user("alice", OTHER_IDP), user("mallory", IDP), BOT)) {
            for (String action : List.of("GET", "PUT", "DELETE")) {
                for (String doc : List.of("/docs/1", "/docs/2", "/docs/9")) {
                    AccessRequest request = new AccessRequest("acme", p, action, doc, Map.of(), Map.of(), Map.of(),
                            NOW);
                    RequestEntities looked = new RequestEntities(data.groupsOf(p), data.attributesOf(p),
                            data.resourceAttributes(doc));
                    assertThat(served.authorize(request.withEntities(looked)).allowed())
                            .as("%s %s %s", p.id(), action, doc).isEqualTo(file.authorize(request).allowed());
                }
            }
        }
    }

    private Entities fileEntities() throws IOException {
        return PolicyLoader.load(dir).get("acme").entities(); // dir holds only the file engine's tenant
    }

    @Test
    void aServedDirectoryWithoutLookedUpEntriesDeniesAndSaysWhy() throws IOException {
        PolicyEngine e = engine(RULES, SERVED);
        Decision d = e.authorize(new AccessRequest("acme", user("alice", IDP), "PUT", "/docs/9", Map.of(), Map.of(),
                Map.of(), NOW));
        assertThat(d.allowed()).isFalse();
        assertThat(d.errors()).singleElement().satisfies(err -> assertThat(err.message()).contains("not looked up"));
    }

    /** What a store hands back is read only as the schema says: undeclared groups never match, mistyped values never read. */
    @Test
    void aServedEntryIsReadOnlyAsTheSchemaDeclares() throws IOException {
        PolicyEngine e = engine(RULES, SERVED);
        AccessRequest put = new AccessRequest("acme", user("alice", IDP), "PUT", "/docs/9", Map.of(), Map.of(),
                Map.of(), NOW);
        assertThat(e.authorize(put.withEntities(new RequestEntities(List.of("editors"), Map.of(), Map.of())))
                .allowed()).isTrue();
        assertThat(e.authorize(put.withEntities(new RequestEntities(List.of("Editors", "root"), Map.of(), Map.of())))
                .allowed()).isFalse();
        AccessRequest get = new AccessRequest("acme", user("alice", IDP), "GET", "/docs/1", Map.of(), Map.of(),
                Map.of(), NOW);
        assertThat(e.authorize(get.withEntities(new RequestEntities(List.of(),
                Map.of("roles", List.of("reader"), "clearance", 3L), Map.of("level", 2L)))).allowed()).isTrue();
        assertThat(e.authorize(get.withEntities(new RequestEntities(List.of(),
                Map.of("roles", List.of("reader"), "clearance", "3"), Map.of("level", 2L)))).allowed())
                .as("a string where an int is declared is not read").isFalse();
    }

    @Test
    void aServedDirectoryListsNoEntriesAndWritesAreCheckedByItsSchema() throws IOException {
        assertThatThrownBy(() -> engine(RULES, SERVED + "principals:\n  - id: alice\n    issuer: \"" + IDP + "\"\n"))
                .isInstanceOf(PolicyLoadException.class).hasMessageContaining("directory: store")
                .hasMessageContaining("entities.yaml:7");
        assertThatThrownBy(() -> engine(RULES, SERVED.replace("directory: store", "directory: redis")))
                .isInstanceOf(PolicyLoadException.class).hasMessageContaining("'file'");
        Entities.Schema schema = engine(RULES, SERVED).servedDirectory("acme").orElseThrow();
        assertThat(schema.principal(Map.of("clearance", 2))).containsEntry("clearance", 2L);
        assertThatThrownBy(() -> schema.principal(Map.of("clearence", 2))).hasMessageContaining("did you mean 'clearance'");
        assertThatThrownBy(() -> schema.principal(Map.of("roles", List.of(1)))).hasMessageContaining("list of strings");
        assertThatThrownBy(() -> schema.groups(List.of("editors", "root"))).hasMessageContaining("'root'");
        assertThat(schema.groups(List.of("editors", "editors"))).containsExactly("editors");
        assertThatThrownBy(() -> schema.resource(Map.of("owner", 7))).hasMessageContaining("must be a string");
    }
}
