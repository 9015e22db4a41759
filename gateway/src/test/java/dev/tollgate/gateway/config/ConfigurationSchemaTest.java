package dev.tollgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 3: the JSON Schema editors use for {@code tollgate.yml} is generated from the configuration types,
 * kept current in {@code config/tollgate.schema.json}, and every Tollgate configuration shipped in {@code config/} and
 * {@code docker/} validates against it with a real JSON Schema validator; a misspelt key does not.
 */
class ConfigurationSchemaTest {

    static final Path COMMITTED = Path.of("../config/tollgate.schema.json");

    @Test
    void theCommittedSchemaIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(COMMITTED)).as("config/tollgate.schema.json is stale: regenerate it with"
                + " java -jar gateway/target/tollgate-gateway-exec.jar schema > config/tollgate.schema.json")
                .isEqualTo(ConfigurationSchema.generate());
    }

    @Test
    void everyShippedConfigurationValidatesAndNamesTheSchema() throws IOException {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(ConfigurationSchema.generate(), InputFormat.JSON);
        List<Path> configs;
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("../config"), 1), Files.walk(Path.of("../docker"))
                .filter(p -> p.getFileName().toString().startsWith("tollgate")))) {
            configs = files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList();
        }
        assertThat(configs).isNotEmpty();
        for (Path config : configs) {
            String yaml = Files.readString(config);
            List<Error> errors = schema.validate(yaml, InputFormat.YAML);
            assertThat(errors).as(config.toString()).isEmpty();
            assertThat(yaml).as("%s names its schema for editors", config)
                    .contains("# yaml-language-server: $schema=");
        }
    }

    @Test
    void aMisspeltKeyIsASchemaErrorToo() {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(ConfigurationSchema.generate(), InputFormat.JSON);
        List<Error> errors = schema.validate("""
                tollgate:
                  trust-domain:
                    - name: acme.test
                  issuers:
                    a:
                      issuer: https://a.test
                      audience: x
                """, InputFormat.YAML);
        assertThat(errors).extracting(Error::toString).anyMatch(e -> e.contains("trust-domain"))
                .anyMatch(e -> e.contains("audience"));
    }
}
