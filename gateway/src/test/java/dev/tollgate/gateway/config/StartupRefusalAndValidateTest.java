package dev.tollgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.TollgateApplication;
import dev.tollgate.gateway.testsupport.AbstractGatewayTest;
import dev.tollgate.gateway.testsupport.GatewayFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Issue 14: a gateway with a configuration mistake does not start, and says why in one paragraph per problem; the
 * {@code validate} command finds the same mistakes without starting anything.
 */
class StartupRefusalAndValidateTest {

    @TempDir
    Path dir;

    final GatewayFixture fixture = GatewayFixture.get();

    private Throwable startWith(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>();
        AbstractGatewayTest.registerShared((name, value) -> properties.put(name, value.get()));
        properties.put("server.port", "0");
        properties.putAll(overrides);
        try {
            new SpringApplicationBuilder(TollgateApplication.class).properties(properties).run().close();
            throw new AssertionError("the gateway started");
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void misspeltKeysStopTheStartAllReportedAtOnceWithoutAStackTrace() {
        Throwable failure = startWith(Map.of("tollgate.trust-domain[0].name", "x.test",
                "tollgate.issuers.test.audience", "tollgate",
                "spring.cloud.gateway.server.webflux.routes[7].filters[0].args.failure-mod", "degrade"));
        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("3 problem(s)")
                .contains("tollgate.trust-domain[0].name").contains("did you mean 'trust-domains'")
                .contains("tollgate.issuers.test.audience").contains("did you mean 'audiences'")
                .contains("args.failure-mod").contains("did you mean 'failure-mode'")
                .doesNotContain("\tat ");
        assertThat(analysis.getAction()).contains("validate");
    }

    @Test
    void aSettingRefusedWhileBindingNamesItsKey() {
        Throwable failure = startWith(Map.of("tollgate.issuers.test.algorithms[0]", "HS256"));
        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("HS256").contains("not allowed");
    }

    @Test
    void outOfRangeValuesInSeveralSectionsAreAllReportedAtStartUp() {
        Throwable failure = startWith(Map.of("tollgate.revocation.poll-interval", "1",
                "tollgate.redis.replica-ack-timeout", "0s",
                "tollgate.dependencies.instances.redis.time-limit", "-1s"));
        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("3 problem(s)")
                .contains("tollgate.revocation.poll-interval must be at least 10ms")
                .contains("tollgate.redis.replica-ack-timeout must be more than 0")
                .contains("dependency redis: time-limit must be > 0")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingBundleFileAndABrokenPolicyAreOneParagraphEach() throws Exception {
        FailureAnalysis bundle = new ConfigurationFailureAnalyzer().analyze(startWith(Map.of(
                "tollgate.trust-domains[0].bundle-file", dir.resolve("missing-bundle.pem").toString())));
        assertThat(bundle).isNotNull();
        assertThat(bundle.getDescription()).contains("missing-bundle.pem");
        Path policies = dir.resolve("policies");
        for (String tenant : java.util.List.of("acme", "globex", "initech", "tollgate-admin", "hooli", "umbrella")) {
            Files.createDirectories(policies.resolve(tenant));
            Files.writeString(policies.resolve(tenant).resolve("tenant.yaml"), "tenant: " + tenant
                    + "\nresources: [/api/" + tenant + "/]\n");
        }
        Files.writeString(policies.resolve("acme/rules.yaml"), "tenant: acme\nrules:\n  - id: r1\n    effect: [permit\n");
        FailureAnalysis policy = new ConfigurationFailureAnalyzer().analyze(startWith(Map.of(
                "tollgate.policies.directory", policies.toString())));
        assertThat(policy).isNotNull();
        assertThat(policy.getDescription()).contains("rules.yaml").doesNotContain("\tat ");
    }

    @Test
    void aConfigDirectoryThatIsNotThereIsAnError() throws Exception {
        assertThatThrownBy(() -> TollgateApplication.configLocation(dir.resolve("nowhere").toString()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems().get(0)
                        .describe()).contains("TOLLGATE_CONFIG_DIR").contains("is not a directory"));
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> TollgateApplication.configLocation(dir.resolve("empty").toString()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems().get(0)
                        .message()).contains("has no tollgate.yml"));
        assertThat(TollgateApplication.configLocation(null)).startsWith("optional:");
    }

    private String config(String extraIssuer, String routeArg, String tenant) {
        return SoundConfiguration.tollgate(fixture, "", extraIssuer) + """
                spring:
                  cloud:
                    gateway:
                      server:
                        webflux:
                          routes:
                            - id: acme-api
                              uri: http://127.0.0.1:1
                              predicates: [Path=/api/acme/**]
                              filters:
                                - name: Tollgate
                                  args:
                                    tenant: %s
                                    %s
                """.formatted(tenant, routeArg);
    }

    private String validate(String yaml, int expectedExit) throws Exception {
        SoundConfiguration.Validation v = SoundConfiguration.validate(dir, yaml);
        assertThat(v.exit()).as(v.output()).isEqualTo(expectedExit);
        return v.output();
    }

    @Test
    void validateAcceptsASoundConfigurationAndSaysWhatItChecked() throws Exception {
        String out = validate(config("", "failure-mode: fail-closed", "acme"), 0);
        assertThat(out).contains("trust domain acme.test: bundle").contains("issuer https://issuer.test: 1 key(s)")
                .contains("policies:").contains("routes: 1").contains("OK");
    }

    @Test
    void validateReportsEveryMistakeWithItsKeyAndLine() throws Exception {
        String out = validate(config("""
                    hs:
                      issuer: https://hs.test
                      jwks-file: /nowhere/keys.json
                      audience: [tollgate]
                """, "failure-mod: degrade", "acmee"), 2);
        assertThat(out).contains("tollgate.issuers.hs.audience").contains("did you mean 'audiences'")
                .contains("args.failure-mod").contains("did you mean 'failure-mode'")
                .contains("tenant 'acmee'").contains("line");
        String badValue = validate(config("", "failure-mode: sometimes", "acme"), 2);
        assertThat(badValue).contains("filters[0]").contains("sometimes");
        String hs256 = validate(config("""
                    hs:
                      issuer: https://hs.test
                      jwks-file: %s
                      audiences: [tollgate]
                      algorithms: [HS256]
                """.formatted(fixture.path("jwks.json")), "", "acme"), 2);
        assertThat(hs256).contains("HS256");
    }

    @Test
    void validateRefusesAListenerKeyTheListenerWouldRefuse() throws Exception {
        String sound = config("", "", "acme");
        var other = dev.tollgate.gateway.demo.Certificates.selfSigned(
                dev.tollgate.gateway.demo.Certificates.server("localhost"));
        Path sec1 = dir.resolve("sec1-key.pem");
        dev.tollgate.gateway.demo.Certificates.writePem(sec1, other.keyPair());
        Path foreign = dir.resolve("foreign-key.pem");
        other.writePem(dir.resolve("foreign.pem"), foreign);
        String serverKey = fixture.path("server-key.pem").toString();

        assertThat(validate(sound.replace(serverKey, sec1.toString()), 2))
                .contains("tollgate.tls.private-key").contains("EC PRIVATE KEY (SEC 1)").contains("openssl pkcs8");
        assertThat(validate(sound.replace(serverKey, foreign.toString()), 2))
                .contains("tollgate.tls.private-key").contains("is not the key of");
    }
}
