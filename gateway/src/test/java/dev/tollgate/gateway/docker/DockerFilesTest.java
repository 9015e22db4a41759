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
        Matcher jar = Pattern.compile("COPY --from=build /src/(\\S+\\.jar)").matcher(dockerfile);
        assertThat(jar.find()).isTrue();
        String pom = Files.readString(ROOT.resolve("gateway/pom.xml"));
        String finalName = pom.replaceAll("(?s).*<finalName>([^<]+)</finalName>.*", "$1");
        String classifier = pom.replaceAll("(?s).*<classifier>([^<]+)</classifier>.*", "$1");
        assertThat(jar.group(1)).isEqualTo("gateway/target/" + finalName + "-" + classifier + ".jar");
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
