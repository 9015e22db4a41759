package dev.tollgate.gateway.config;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sound {@code tollgate.yml} the configuration tests start from, and the {@code validate} command run on one. */
final class SoundConfiguration {

    private SoundConfiguration() {
    }

    /**
     * The {@code tollgate:} tree of a sound configuration on the shared fixture: TLS, one trust domain, one issuer with
     * a key file, the fixture's policies. {@code trustDomainExtra} continues the trust domain's last line;
     * {@code extraIssuers} is inserted after the issuer {@code test}.
     */
    static String tollgate(GatewayFixture fixture, String trustDomainExtra, String extraIssuers) {
        return """
                tollgate:
                  tls:
                    certificate: %s
                    private-key: %s
                  trust-domains:
                    - name: acme.test
                      tenant: acme
                      bundle-file: %s%s
                  issuers:
                    test:
                      issuer: https://issuer.test
                      jwks-file: %s
                      audiences: [tollgate]
                %s
                  policies:
                    directory: %s
                """.formatted(fixture.path("server.pem"), fixture.path("server-key.pem"),
                fixture.path("acme-bundle.pem"), trustDomainExtra, fixture.path("jwks.json"), extraIssuers,
                fixture.path("policies"));
    }

    /** What {@code validate --config} said of {@code yaml}, written into {@code dir}. */
    record Validation(int exit, String output) {
    }

    static Validation validate(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("tollgate-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit = ConfigurationValidator.run(new String[] {"--config", file.toString()},
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return new Validation(exit, buffer.toString(StandardCharsets.UTF_8));
    }
}
