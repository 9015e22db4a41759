package dev.tollgate.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where the tests run, so check the Docker files statically: everything they copy exists,
 * the jar they run is the one the build makes, they run as a non-root user, and the compose file points at them.
 */
class DockerFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void dockerfileCopiesWhatExistsAndRunsAsNonRoot() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            assertThat(ROOT.resolve(copy.group(1))).as("COPY source " + copy.group(1)).exists();
        }
        assertThat(copies).isGreaterThan(3);
        // Spring Boot's layered jar (issue 14, item 7): extracted in the build stage, each layer its own image layer,
        // the slow-moving ones first; as plain jars (no launcher), which a class-data archive can hold (issue 15).
        Matcher jar = Pattern.compile("-Djarmode=tools -jar (\\S+\\.jar) extract --layers --destination").matcher(dockerfile);
        assertThat(jar.find()).isTrue();
        Matcher layer = Pattern.compile("(?m)^COPY --from=build /src/layers/([a-z-]+)/ \\./$").matcher(dockerfile);
        List<String> layers = new java.util.ArrayList<>();
        while (layer.find()) {
            layers.add(layer.group(1));
        }
        assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        assertThat(dockerfile).doesNotContain("--launcher").doesNotContain("JarLauncher");
        // The archive is made in the image, by the java and with the class path the entry point uses.
        String jarName = jar.group(1).substring(jar.group(1).lastIndexOf('/') + 1);
        Matcher archive = Pattern.compile("(?m)^RUN java -jar (\\S+) archive (\\S+) ").matcher(dockerfile);
        assertThat(archive.find()).isTrue();
        assertThat(archive.group(1)).isEqualTo(jarName);
        assertThat(dockerfile).contains("\"-XX:SharedArchiveFile=" + archive.group(2) + "\"", "\"-Xshare:auto\"",
                "\"-jar\", \"" + jarName + "\"]");
        assertThat(dockerfile.indexOf("archive " + archive.group(2))).as("archived after the config is copied")
                .isGreaterThan(dockerfile.indexOf("COPY config/ config/"));
        String pom = Files.readString(ROOT.resolve("gateway/pom.xml"));
        String finalName = pom.replaceAll("(?s).*<finalName>([^<]+)</finalName>.*", "$1");
        String classifier = pom.replaceAll("(?s).*<classifier>([^<]+)</classifier>.*", "$1");
        assertThat(jar.group(1)).isEqualTo("gateway/target/" + finalName + "-" + classifier + ".jar");
        assertThat(pom).as("the layers are Spring Boot's defaults, which the Dockerfile copies")
                .doesNotContain("<layers>");
        assertThat(dockerfile).containsPattern("(?m)^FROM .* AS build$").containsPattern("(?m)^USER 10001");
        assertThat(dockerfile).contains("EXPOSE 8443");
        Matcher config = Pattern.compile("TOLLGATE_CONFIG_DIR=(\\S+)").matcher(dockerfile);
        assertThat(config.find()).isTrue();
        assertThat(ROOT.resolve("config/tollgate.yml")).exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeBuildsTheDockerfileAndRunsTheDemoWithRedis() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker/compose.yaml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsKeys("redis", "tollgate");
        Map<String, Object> tollgate = (Map<String, Object>) services.get("tollgate");
        Map<String, Object> build = (Map<String, Object>) tollgate.get("build");
        Path context = ROOT.resolve("docker").resolve((String) build.get("context")).normalize();
        assertThat(context).isEqualTo(ROOT);
        assertThat(context.resolve((String) build.get("dockerfile"))).exists();
        assertThat((List<String>) tollgate.get("command")).containsExactly("demo");
        assertThat((List<String>) tollgate.get("ports")).allMatch(p -> p.startsWith("127.0.0.1:") && p.endsWith(":8443"));
        // Environment variables must name settings that exist (Spring's relaxed binding: TOLLGATE_REDIS_URI is
        // tollgate.redis.uri), and Redis must be the compose file's own service.
        Map<String, Object> env = (Map<String, Object>) tollgate.get("environment");
        String properties = Files.readString(ROOT.resolve(
                "gateway/src/main/java/dev/tollgate/gateway/config/TollgateProperties.java"));
        assertThat(env.get("TOLLGATE_REDIS_URI")).isEqualTo("redis://redis:6379");
        assertThat(properties).contains("public record Redis(String uri").contains("public record Admin(Boolean enabled, String address");
    }

    /**
     * Issue 14, item 7: the non-demo compose file runs the operator's configuration, certificates and policies from
     * read-only mounts, with a persistent Redis; every file its configuration names is on a mount, the configuration
     * passes the gateway's own checks and schema, and the policies load as the mounts lay them out.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theProductionComposeRunsYourConfigurationFromReadOnlyMounts(@org.junit.jupiter.api.io.TempDir Path root)
            throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker/compose.production.yaml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        Map<String, Object> tollgate = (Map<String, Object>) services.get("tollgate");
        Map<String, Object> redis = (Map<String, Object>) services.get("redis");
        assertThat(tollgate).doesNotContainKey("command").containsEntry("read_only", true);
        assertThat((List<String>) tollgate.get("cap_drop")).containsExactly("ALL");
        assertThat((List<String>) tollgate.get("ports")).allMatch(p -> p.startsWith("127.0.0.1:"))
                .anyMatch(p -> p.endsWith(":9444"));
        assertThat(((Map<String, Map<String, Object>>) tollgate.get("depends_on")).get("redis"))
                .containsEntry("condition", "service_healthy");
        assertThat(String.join(" ", (List<String>) redis.get("command"))).contains("--appendonly yes");
        assertThat(redis).containsKey("healthcheck");

        Map<String, Path> mounts = new java.util.LinkedHashMap<>();
        for (String volume : (List<String>) tollgate.get("volumes")) {
            // A source may be ${VARIABLE:-default}: the default is what a clone runs with.
            String[] parts = volume.replaceAll("\\$\\{[A-Z_]+:-([^}]+)}", "$1").split(":");
            assertThat(parts).as(volume).hasSize(3);
            assertThat(parts[2]).as("read-only: " + volume).isEqualTo("ro");
            mounts.put(parts[1], ROOT.resolve("docker").resolve(parts[0]).normalize());
        }
        Path config = mounts.get("/opt/tollgate/config/tollgate.yml");
        assertThat(config).exists();
        String text = Files.readString(config);
        Matcher file = Pattern.compile("(?m):\\s+(/[\\w./-]+)\\s*$").matcher(text);
        int named = 0;
        while (file.find()) {
            named++;
            String path = file.group(1);
            assertThat(mounts.keySet()).as("%s is on a mount (or holds mounts)", path).anyMatch(m -> path.equals(m)
                    || path.startsWith(m + "/") || m.startsWith(path + "/"));
        }
        assertThat(named).isGreaterThan(4);

        org.springframework.core.env.StandardEnvironment env = new org.springframework.core.env.StandardEnvironment();
        new org.springframework.boot.env.YamlPropertySourceLoader().load(config.toString(),
                new org.springframework.core.io.FileSystemResource(config)).forEach(env.getPropertySources()::addFirst);
        assertThat(dev.tollgate.gateway.config.ConfigurationCheck.problems(env)).isEmpty();

        // The policies as the container sees them: each policy mount copied to its place.
        Path policies = root.resolve("policies");
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            if (m.getKey().startsWith("/opt/tollgate/policies/")) {
                assertThat(m.getValue()).isDirectory();
                Path target = policies.resolve(m.getKey().substring("/opt/tollgate/policies/".length()));
                Files.createDirectories(target);
                try (var files = Files.list(m.getValue())) {
                    for (Path f : files.toList()) {
                        Files.copy(f, target.resolve(f.getFileName()));
                    }
                }
            }
        }
        assertThat(dev.tollgate.policy.PolicyEngine.load(policies, java.time.Clock.systemUTC()).tenants())
                .containsExactlyInAnyOrder("acme", "tollgate-admin");
        assertThat(text).contains("directory: /opt/tollgate/policies");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHealthcheckAsksReadinessOnTheManagementPortAndWorks() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        Matcher check = Pattern.compile("(?m)^  CMD (\\[.*\\])$").matcher(dockerfile);
        assertThat(dockerfile).contains("HEALTHCHECK");
        assertThat(check.find()).isTrue();
        List<String> command = tools.jackson.databind.json.JsonMapper.builder().build().readValue(check.group(1),
                List.class);
        assertThat(String.join(" ", command)).contains("127.0.0.1/9443").contains("/actuator/health/readiness");
        // Run the very command against a stand-in management port: ready (200) passes, not ready (503) fails.
        for (int status : new int[] {200, 503}) {
            com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/actuator/health/readiness", exchange -> {
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            try {
                List<String> local = command.stream().map(c -> c.replace("127.0.0.1/9443", "127.0.0.1/"
                        + server.getAddress().getPort())).toList();
                Process p = new ProcessBuilder(local).redirectErrorStream(true).start();
                assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("healthcheck exit for %s", status).isEqualTo(status == 200 ? 0 : 1);
            } finally {
                server.stop(0);
            }
        }
        String ignore = Files.readString(ROOT.resolve(".dockerignore"));
        assertThat(ignore).contains("**/target").contains(".demo").contains(".git");
    }
}
