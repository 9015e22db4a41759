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

class PolicyLanguageTest {

    @TempDir
    Path dir;

    private static final String TENANT = """
            tenant: acme
            trust-domains: [acme.test]
            resources: [/api/acme/]
            """;

    private PolicyEngine engine(String rules) throws IOException {
        return engine(TENANT, rules);
    }

    private PolicyEngine engine(String tenant, String rules) throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/tenant.yaml"), tenant);
        Files.writeString(dir.resolve("acme/rules.yaml"), rules);
        return PolicyEngine.load(dir, Clock.systemUTC());
    }

    private static AccessRequest request(String principal, String tenant, String action, String path, Instant time,
                                         Map<String, String> headers) {
        return new AccessRequest("acme", new Principal(principal, principal.substring(9).split("/")[0], tenant, null,
                Map.of("team", "shop"), Set.of(CredentialKind.MTLS, CredentialKind.JWT)), action, path, headers,
                Map.of(), Map.of(), time);
    }

    private static final String CHECKOUT = "spiffe://acme.test/ns/shop/sa/checkout";
    private static final Instant MONDAY_NOON_PARIS = Instant.parse("2026-11-23T11:00:00Z");

    @Test
    void businessHoursInANamedZoneWithTheirEndAsTheDecisionsValidity() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: office-hours
                    effect: permit
                    principal: { exact: "%s" }
                    action: GET
                    resource: /api/acme/reports/**
                    schedule: { zone: Europe/Paris, days: [MON, TUE, WED, THU, FRI], from: "09:00", to: "18:00" }
                """.formatted(CHECKOUT));
        Decision inside = e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/reports/q4", MONDAY_NOON_PARIS,
                Map.of()));
        assertThat(inside.allowed()).isTrue();
        assertThat(inside.validUntil()).isEqualTo(Instant.parse("2026-11-23T17:00:00Z"));
        assertThat(e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/reports/q4",
                Instant.parse("2026-11-23T17:00:00Z"), Map.of())).allowed()).as("18:00 Paris is closed").isFalse();
        Decision saturday = e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/reports/q4",
                Instant.parse("2026-11-28T11:00:00Z"), Map.of()));
        assertThat(saturday.allowed()).isFalse();
        assertThat(saturday.validUntil()).as("denied until Monday 09:00 Paris")
                .isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
    }

    /** Many servers serve /orders/42/ as /orders/42: a forbid on one must hold for the other, captures included. */
    @Test
    void aTrailingSlashIsNotASegmentOfItsOwn() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: reads
                    effect: permit
                    principal: { exact: "%s" }
                    resource: /api/acme/**
                  - id: not-order-7
                    effect: forbid
                    resource: /api/acme/orders/{id}
                    when: resource.id == '7'
                  - id: not-admin
                    effect: forbid
                    resource: /api/acme/admin/
                """.formatted(CHECKOUT));
        for (String path : new String[] {"/api/acme/orders/7", "/api/acme/orders/7/", "/api/acme/admin",
            "/api/acme/admin/"}) {
            Decision d = e.authorize(request(CHECKOUT, "acme", "GET", path, MONDAY_NOON_PARIS, Map.of()));
            assertThat(d.allowed()).as(path).isFalse();
            assertThat(d.decidingRules()).as(path).hasSize(1).allMatch(r -> r.startsWith("not-"));
        }
        assertThat(e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/orders/8/", MONDAY_NOON_PARIS, Map.of()))
                .allowed()).isTrue();
        assertThat(e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/", MONDAY_NOON_PARIS, Map.of()))
                .allowed()).as("the tenant's root").isTrue();
    }

    @Test
    void anExpiringGrantStopsMatchingWhenItExpires() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: jit-4711
                    effect: permit
                    principal: { exact: "%s" }
                    resource: /api/acme/orders/**
                    expires: 2026-11-23T12:00:00Z
                """.formatted(CHECKOUT));
        Decision before = e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/orders/1", MONDAY_NOON_PARIS,
                Map.of()));
        assertThat(before.allowed()).isTrue();
        assertThat(before.validUntil()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
        assertThat(e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/orders/1",
                Instant.parse("2026-11-23T12:00:00Z"), Map.of())).allowed()).isFalse();
    }

    @Test
    void conditionsReadTypedAttributesAndReportWhatTheyRead() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: ticketed-writes
                    effect: permit
                    principal: { pattern: "spiffe://acme.test/ns/*/sa/checkout" }
                    action: PUT
                    resource: /api/acme/orders/{id}
                    when: "principal.mtls && request.headers['x-ticket'].startsWith('CHG-') && resource.id != '0'"
                """);
        Decision ok = e.authorize(request(CHECKOUT, "acme", "PUT", "/api/acme/orders/7", MONDAY_NOON_PARIS,
                Map.of("x-ticket", "CHG-1")));
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.attributesRead()).contains("principal.mtls", "request.headers", "resource.id");
        assertThat(e.authorize(request(CHECKOUT, "acme", "PUT", "/api/acme/orders/0", MONDAY_NOON_PARIS,
                Map.of("x-ticket", "CHG-1"))).allowed()).isFalse();
        Decision missingHeader = e.authorize(request(CHECKOUT, "acme", "PUT", "/api/acme/orders/7",
                MONDAY_NOON_PARIS, Map.of()));
        assertThat(missingHeader.allowed()).as("an erroring condition makes its rule not apply").isFalse();
        assertThat(missingHeader.errors()).singleElement().satisfies(err ->
                assertThat(err.ruleId()).isEqualTo("ticketed-writes"));
    }

    @Test
    void aTenantCanChooseThatAnyConditionErrorDenies() throws IOException {
        PolicyEngine e = engine(TENANT + "on-error: deny\n", """
                tenant: acme
                rules:
                  - id: broad
                    effect: permit
                    resource: /api/acme/**
                  - id: header-check
                    effect: permit
                    resource: /api/acme/**
                    when: "request.headers['x-missing'] == 'y'"
                """);
        Decision d = e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/x", MONDAY_NOON_PARIS, Map.of()));
        assertThat(d.errors()).hasSize(1);
        assertThat(d.allowed()).isFalse();
    }

    @Test
    void unknownAttributesAndMalformedMatchersAreRejectedWithFileAndLine() throws IOException {
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: ok
                    effect: permit
                    resource: /api/acme/a
                  - id: typo
                    effect: permit
                    resource: /api/acme/b
                    when: "principal.team == 'shop'"
                """)).isInstanceOfSatisfying(PolicyLoadException.class, e -> {
                    assertThat(e.file().getFileName().toString()).isEqualTo("rules.yaml");
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.reason()).contains("typo").contains("principal");
                });
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: bad-pattern
                    effect: permit
                    resource: /api/acme/ord*rs
                """)).isInstanceOfSatisfying(PolicyLoadException.class, e -> assertThat(e.line()).isEqualTo(3));
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: x
                    effect: allow
                    resource: /api/acme/a
                """)).hasMessageContaining("effect must be 'permit' or 'forbid'");
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: x
                    effect: permit
                    resource: /api/acme/a
                    colour: red
                """)).hasMessageContaining("unknown field 'colour'").hasMessageContaining(":6");
    }

    @Test
    void aDocumentThatReachesOutsideItsTenantIsRejectedAtLoad() throws IOException {
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: foreign-principal
                    effect: permit
                    principal: { exact: "spiffe://globex.test/ns/x/sa/y" }
                    resource: /api/acme/a
                """)).hasMessageContaining("outside tenant 'acme'").hasMessageContaining("cross-tenant: true");
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: foreign-resource
                    effect: permit
                    cross-tenant: true
                    principal: { exact: "spiffe://globex.test/ns/x/sa/y" }
                    resource: /api/globex/invoices
                """)).hasMessageContaining("resource '/api/globex/invoices' is outside tenant 'acme'");
        assertThatThrownBy(() -> engine("""
                tenant: globex
                rules: []
                """)).hasMessageContaining("lives in the directory of tenant 'acme'");
    }

    @Test
    void atEvaluationAForeignPrincipalMatchesOnlyAnExplicitCrossTenantGrant() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: everyone-in-acme
                    effect: permit
                    resource: /api/acme/**
                  - id: globex-invoicer
                    effect: permit
                    cross-tenant: true
                    principal: { exact: "spiffe://globex.test/ns/billing/sa/invoicer" }
                    action: GET
                    resource: /api/acme/invoices/**
                """);
        String invoicer = "spiffe://globex.test/ns/billing/sa/invoicer";
        assertThat(e.authorize(request(invoicer, "globex", "GET", "/api/acme/orders/1", MONDAY_NOON_PARIS,
                Map.of())).allowed()).as("'everyone' means everyone in the tenant").isFalse();
        assertThat(e.authorize(request(invoicer, "globex", "GET", "/api/acme/invoices/1", MONDAY_NOON_PARIS,
                Map.of())).decidingRules()).containsExactly("globex-invoicer");
        AccessRequest otherTenant = new AccessRequest("globex", request(CHECKOUT, "acme", "GET", "/api/acme/x",
                MONDAY_NOON_PARIS, Map.of()).principal(), "GET", "/api/acme/x", Map.of(), Map.of(), Map.of(),
                MONDAY_NOON_PARIS);
        assertThat(e.authorize(otherTenant).allowed()).as("only the request's tenant's set is consulted").isFalse();
    }

    private static AccessRequest issued(String id, String issuer, String tenant, String path) {
        return new AccessRequest("acme", new Principal(id, null, tenant, issuer, Map.of(), Set.of(CredentialKind.JWT)),
                "GET", path, Map.of(), Map.of(), Map.of(), MONDAY_NOON_PARIS);
    }

    @Test
    void aPrincipalThatIsNotASpiffeIdIsNamedWithItsIssuerAndBelongsOnlyToATenantThatDeclaresIt() throws IOException {
        String partnerIdp = "https://login.partner.test";
        PolicyEngine e = engine(TENANT + "issuers: [\"" + partnerIdp + "\"]\n", """
                tenant: acme
                rules:
                  - id: partner-sync
                    effect: permit
                    principal: { issuer: "https://login.partner.test", exact: "3f1c-client" }
                    resource: /api/acme/sync/**
                  - id: everyone-in-acme
                    effect: permit
                    resource: /api/acme/shared/**
                """);
        assertThat(e.authorize(issued("3f1c-client", partnerIdp, "acme", "/api/acme/sync/1")).decidingRules())
                .containsExactly("partner-sync");
        assertThat(e.authorize(issued("3f1c-client", "https://other-idp.test", "acme", "/api/acme/sync/1"))
                .allowed()).as("the same name from another issuer is someone else").isFalse();
        assertThat(e.authorize(issued("3f1c-client", partnerIdp, "acme", "/api/acme/shared/x")).allowed())
                .as("a declared issuer's principals are the tenant's own").isTrue();
        assertThat(e.authorize(issued("mallory", "https://other-idp.test", "acme", "/api/acme/shared/x")).allowed())
                .as("an issuer that claims the tenant without being declared by it is foreign").isFalse();
        assertThat(e.authorize(new AccessRequest("acme", new Principal(CHECKOUT, "globex.test", "acme", null, Map.of(),
                Set.of(CredentialKind.MTLS)), "GET", "/api/acme/shared/x", Map.of(), Map.of(), Map.of(),
                MONDAY_NOON_PARIS)).allowed()).as("mapped to the tenant, but vouched by a foreign trust domain")
                .isFalse();

        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: no-issuer
                    effect: permit
                    cross-tenant: true
                    principal: { exact: "3f1c-client" }
                    resource: /api/acme/a
                """)).hasMessageContaining("must name its token issuer");
        assertThatThrownBy(() -> engine("""
                tenant: acme
                rules:
                  - id: undeclared-issuer
                    effect: permit
                    principal: { issuer: "https://other-idp.test", exact: "3f1c-client" }
                    resource: /api/acme/a
                """)).hasMessageContaining("outside tenant 'acme'").hasMessageContaining("issuers []");
        PolicyEngine granted = engine("""
                tenant: acme
                rules:
                  - id: other-idp-reader
                    effect: permit
                    cross-tenant: true
                    principal: { issuer: "https://other-idp.test" }
                    action: GET
                    resource: /api/acme/public/**
                """);
        assertThat(granted.authorize(issued("anyone", "https://other-idp.test", "other", "/api/acme/public/x"))
                .decidingRules()).containsExactly("other-idp-reader");
    }

    @Test
    void aBrokenChangeIsRefusedAndTheLastGoodRevisionStays() throws IOException {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: reads
                    effect: permit
                    resource: /api/acme/**
                """);
        Revision good = e.revision("acme").orElseThrow();
        Files.writeString(dir.resolve("acme/rules.yaml"), "tenant: acme\nrules:\n  - id: [broken\n");
        ReloadOutcome outcome = e.reload();
        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.error().file().getFileName().toString()).isEqualTo("rules.yaml");
        assertThat(e.revision("acme")).contains(good);
        assertThat(e.reloadFailures()).isEqualTo(1);
        assertThat(e.authorize(request(CHECKOUT, "acme", "GET", "/api/acme/x", MONDAY_NOON_PARIS, Map.of()))
                .allowed()).isTrue();

        Files.writeString(dir.resolve("acme/rules.yaml"), """
                tenant: acme
                rules:
                  - id: reads
                    effect: forbid
                    resource: /api/acme/**
                """);
        assertThat(e.reload().applied()).isTrue();
        assertThat(e.revision("acme")).isNotEqualTo(java.util.Optional.of(good));
    }

    @Test
    void theWatcherReloadsAChangedFile() throws Exception {
        PolicyEngine e = engine("""
                tenant: acme
                rules:
                  - id: reads
                    effect: permit
                    resource: /api/acme/**
                """);
        Revision before = e.revision("acme").orElseThrow();
        java.util.concurrent.CountDownLatch reloaded = new java.util.concurrent.CountDownLatch(1);
        e.onReload(o -> reloaded.countDown());
        e.watch();
        try {
            Files.writeString(dir.resolve("acme/rules.yaml"), """
                    tenant: acme
                    rules:
                      - id: reads-v2
                        effect: permit
                        resource: /api/acme/**
                    """);
            assertThat(reloaded.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(e.revision("acme").orElseThrow()).isNotEqualTo(before);
        } finally {
            e.close();
        }
    }
}
