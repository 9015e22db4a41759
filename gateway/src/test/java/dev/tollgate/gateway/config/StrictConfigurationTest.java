package dev.tollgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.route.TollgateGatewayFilterFactory;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * Issue 14: configuration is input too. Each mistake an operator made is refused with the key, the file and line, and
 * a did-you-mean; and so is every generated misspelling of every key Tollgate knows.
 */
class StrictConfigurationTest {

    @TempDir
    Path dir;

    private List<ConfigurationProblem> check(String yaml) throws IOException {
        Files.createDirectories(dir.resolve("policies/acme"));
        Files.writeString(dir.resolve("policies/acme/tenant.yaml"), "tenant: acme\n");
        Path file = dir.resolve("tollgate.yml");
        Files.writeString(file, yaml.replace("POLICIES", dir.resolve("policies").toString()));
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("tollgate.yml", new FileSystemResource(file))
                .forEach(env.getPropertySources()::addFirst);
        return ConfigurationCheck.problems(env);
    }

    private static final String ROUTE = """
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
                                tenant: TENANT
                                requires: mtls+jwt
                                ARG: degrade
            tollgate:
              policies:
                directory: POLICIES
            """;

    @Test
    void trustDomainInsteadOfTrustDomains() throws IOException {
        List<ConfigurationProblem> problems = check("""
                tollgate:
                  trust-domain:
                    - name: acme.test
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).startsWith("tollgate.trust-domain");
            assertThat(p.message()).contains("unknown key 'trust-domain'").contains("did you mean 'trust-domains'");
            assertThat(p.origin()).contains("tollgate.yml").contains("line 3");
        });
    }

    @Test
    void audienceInsteadOfAudiencesInAnIssuer() throws IOException {
        List<ConfigurationProblem> problems = check("""
                tollgate:
                  issuers:
                    cluster-a:
                      issuer: https://issuer.test
                      jwks-file: /etc/keys.json
                      audience: tollgate
                """);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("tollgate.issuers.cluster-a.audience");
            assertThat(p.message()).contains("did you mean 'audiences'");
            assertThat(p.origin()).contains("line 6");
        });
    }

    @Test
    void failureModMisspeltInAFiltersArguments() throws IOException {
        List<ConfigurationProblem> problems = check(ROUTE.replace("TENANT", "acme").replace("ARG", "failure-mod"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).endsWith("filters[0].args.failure-mod");
            assertThat(p.message()).contains("did you mean 'failure-mode'");
            assertThat(p.origin()).contains("line 15");
        });
        assertThat(check(ROUTE.replace("TENANT", "acme").replace("ARG", "failure-mode"))).isEmpty();
    }

    /** Filter args arrive flattened ({@code mcp.authorization-servers.0}): list entries are keys too. */
    @Test
    void nestedAndListArgumentsOfAnMcpRoute() throws IOException {
        String indent = " ".repeat(32);
        String mcp = ROUTE.replace("TENANT", "acme").replace("ARG: degrade", "mcp:\n" + indent + "  server: weather\n"
                + indent + "  LIST:\n" + indent + "    - https://idp.acme.test");
        assertThat(check(mcp.replace("LIST", "authorization-servers"))).isEmpty();
        assertThat(check(mcp.replace("LIST", "authorization-server"))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("did you mean 'authorization-servers'"));
        assertThat(check(mcp.replace("server: weather", "sever: weather").replace("LIST", "scopes-supported")))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("did you mean 'server'"));
    }

    @Test
    void aRouteNamingATenantWithoutPolicy() throws IOException {
        List<ConfigurationProblem> problems = check(ROUTE.replace("TENANT", "acmee").replace("ARG", "failure-mode"));
        assertThat(problems).singleElement().satisfies(p ->
                assertThat(p.message()).contains("tenant 'acmee'").contains("no policy folder"));
    }

    @Test
    void routesUnderTheOldPrefixAreRefused() throws IOException {
        List<ConfigurationProblem> problems = check("""
                spring:
                  cloud:
                    gateway:
                      routes:
                        - id: forgotten
                          uri: http://127.0.0.1:1
                """);
        assertThat(problems).singleElement().satisfies(p ->
                assertThat(p.message()).contains("spring.cloud.gateway.server.webflux.routes"));
    }

    @Test
    void theShippedConfigurationsAreClean() throws IOException {
        for (Path yaml : List.of(Path.of("../config/tollgate.yml"), Path.of("../docker/tollgate.yml"))) {
            if (!Files.exists(yaml)) {
                continue;
            }
            StandardEnvironment env = new StandardEnvironment();
            new YamlPropertySourceLoader().load(yaml.toString(), new FileSystemResource(yaml))
                    .forEach(env.getPropertySources()::addFirst);
            env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("policies",
                    Map.of("tollgate.policies.directory", "../config/policies")));
            assertThat(ConfigurationCheck.problems(env)).as(yaml.toString()).isEmpty();
        }
    }

    @Test
    void everyGeneratedMisspellingOfEveryKnownKeyIsRefusedWithTheRightSuggestion() {
        List<String[]> keys = new ArrayList<>();
        collect(TollgateProperties.class, "tollgate", keys, 0);
        collect(TollgateGatewayFilterFactory.Config.class, "", keys, 0);
        assertThat(keys.size()).as("known keys").isGreaterThan(80);
        int misspellings = 0;
        for (String[] key : keys) {
            String parent = key[0];
            String last = key[1];
            Type root = parent.startsWith("tollgate") ? TollgateProperties.class
                    : TollgateGatewayFilterFactory.Config.class;
            int from = parent.startsWith("tollgate") ? 1 : 0;
            for (String wrong : misspell(last)) {
                String full = (parent.isEmpty() ? "" : parent + ".") + wrong;
                var name = org.springframework.boot.context.properties.source.ConfigurationPropertyName.adapt(full,
                        '.');
                if (name.isEmpty() || ConfigurationKeys.check(root, name, from) == null) {
                    continue; // the "misspelling" is a valid key (or spelling) in its own right
                }
                ConfigurationKeys.Unknown unknown = ConfigurationKeys.check(root, name, from);
                assertThat(unknown).as(full).isNotNull();
                assertThat(unknown.suggestions()).as("suggestion for %s", full).contains(last);
                misspellings++;
            }
        }
        assertThat(misspellings).isGreaterThan(300);
    }

    /** Dropped, doubled, swapped and substituted letters, a plural s added or removed, a dash lost. */
    private static List<String> misspell(String key) {
        List<String> out = new ArrayList<>();
        if (key.length() > 4) {
            out.add(key.substring(0, key.length() - 1));
            out.add(key.substring(1));
            out.add(key.substring(0, 2) + key.substring(3));
        }
        out.add(key + "s");
        out.add(key.endsWith("s") ? key.substring(0, key.length() - 1) : key + "e");
        out.add(key.replaceFirst("-", ""));
        if (key.length() > 3) {
            out.add(key.substring(0, 1) + key.charAt(2) + key.charAt(1) + key.substring(3));
            out.add(key.substring(0, 2) + "x" + key.substring(3));
        }
        return out.stream().filter(k -> !k.equals(key) && !k.isEmpty() && !k.startsWith("-") && !k.endsWith("-"))
                .distinct().toList();
    }

    /** Every key (parent path, last element) the types declare, maps and lists given a sample key or index. */
    private static void collect(Class<?> type, String path, List<String[]> out, int depth) {
        if (depth > 5) {
            return;
        }
        for (Map.Entry<String, Type> key : ConfigurationKeys.typedKeys(type).entrySet()) {
            String name = key.getKey();
            Type t = key.getValue();
            out.add(new String[] {path, name});
            String child = (path.isEmpty() ? "" : path + ".") + name;
            Class<?> raw = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
            if (Map.class.isAssignableFrom(raw) || Collection.class.isAssignableFrom(raw)) {
                Type arg = ((ParameterizedType) t).getActualTypeArguments()[Map.class.isAssignableFrom(raw) ? 1 : 0];
                if (arg instanceof Class<?> c && !c.getName().startsWith("java.")) {
                    collect(c, child + (Map.class.isAssignableFrom(raw) ? ".sample" : "[0]"), out, depth + 1);
                }
            } else if (!raw.isPrimitive() && !raw.isEnum() && !raw.getName().startsWith("java.")) {
                collect(raw, child, out, depth + 1);
            }
        }
    }
}
