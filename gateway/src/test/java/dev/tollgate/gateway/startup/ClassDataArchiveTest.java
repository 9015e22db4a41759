package dev.tollgate.gateway.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archive} end to end, as an operator runs it: Tollgate's classes in a plain jar, the demo's configuration in
 * the working directory; the training answers the demo's five requests as the README says, the JVM writes the archive,
 * and a gateway started with it <em>requires</em> it ({@code -Xshare:on} / {@code -XX:AOTMode=on} refuse to start
 * without a usable archive) and loads most of its classes from it. Ports: the gateway's are moved to ephemeral ones;
 * the demo upstream keeps 9081 (the demo configuration's routes name it).
 */
class ClassDataArchiveTest {

    private static final List<String> EPHEMERAL_PORTS = List.of("--server.port=0", "--management.server.port=0",
            "--tollgate.admin.port=0");

    @TempDir
    Path dir;

    @Test
    void theTrainingRunAnswersTheDemosRequestsAndTheArchiveItMakesIsMappedAtTheNextStart() throws Exception {
        GatewayFixture.copyTree(Path.of("../config"), dir.resolve("config"));
        String classPath = jarClassPath();
        int feature = Runtime.version().feature();
        Path archive = dir.resolve(feature >= ClassDataArchive.ONE_STEP_AOT_CACHE ? "tollgate.aot" : "tollgate.jsa");

        List<String> make = new ArrayList<>(List.of(java(), "-cp", classPath,
                "dev.tollgate.gateway.TollgateApplication", "archive", archive.toString()));
        make.addAll(EPHEMERAL_PORTS);
        Run made = run(make);

        assertThat(made.exit()).as(made.output()).isZero();
        assertThat(made.output()).contains("train: allowed -> 200", "train: denied by policy -> 403",
                "train: denied by tenant -> 403", "train: no token -> 401", "train: DPoP -> 200",
                "archive: wrote " + archive).doesNotContain("WRONG");
        assertThat(Files.size(archive)).isGreaterThan(10_000_000L);

        Path loaded = dir.resolve("class-load.log");
        List<String> start = new ArrayList<>(List.of(java(),
                feature >= ClassDataArchive.ONE_STEP_AOT_CACHE ? "-XX:AOTMode=on" : "-Xshare:on",
                ClassDataArchive.useFlag(feature, archive), "-Xlog:class+load=info:file=" + loaded,
                "-cp", classPath, "dev.tollgate.gateway.TollgateApplication", "train"));
        start.addAll(EPHEMERAL_PORTS);
        Run started = run(start);

        assertThat(started.exit()).as(started.output()).isZero();
        assertThat(started.output()).contains("train: allowed -> 200").doesNotContain("WRONG");
        List<String> lines = Files.readAllLines(loaded);
        long shared = lines.stream().filter(l -> l.contains("source: shared objects file")).count();
        long ours = lines.stream().filter(l -> l.contains("dev.tollgate.gateway.") && l.contains("shared objects"))
                .count();
        assertThat(shared).as("classes mapped from the archive, of " + lines.size()).isGreaterThan(lines.size() / 2);
        assertThat(ours).as("Tollgate's own classes from the archive").isGreaterThan(100);
    }

    @Test
    void theFatJarAndADirectoryOfClassesAreRefusedWithTheWayToExtract() throws Exception {
        Run refused = run(List.of(java(), "-cp", testClassPath(),
                "dev.tollgate.gateway.TollgateApplication", "archive"));

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.output()).contains("extract --destination app");
    }

    @Test
    void trainingWhereThereIsNoDemoConfigurationSaysWhereToRunIt() throws Exception {
        Run refused = run(List.of(java(), "-cp", testClassPath(), "dev.tollgate.gateway.TollgateApplication", "train"));

        assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("config/tollgate.yml").contains("demo's config/");
        assertThat(dir.resolve(".demo")).doesNotExist();
    }

    @Test
    void lambdaProxiesAreLeftOutOfTheClassListAndTheClassesKept() throws Exception {
        Path list = dir.resolve("app.classlist");
        Files.write(list, List.of("# NOTE: Do not modify this file.", "java/lang/Object id: 0",
                "dev/tollgate/gateway/TollgateApplication id: 1",
                "@lambda-proxy dev/tollgate/gateway/TollgateApplication run ()Ljava/lang/Runnable; ()V 6",
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L_V"));

        ClassDataArchive.withoutLambdaProxies(list);

        assertThat(Files.readAllLines(list)).hasSize(4).noneMatch(l -> l.startsWith("@lambda-proxy"))
                .contains("dev/tollgate/gateway/TollgateApplication id: 1");
    }

    /**
     * The gateway's runtime class path (written by the build: target/runtime-class-path.txt) with every directory of
     * classes turned into a jar, the gateway's own first: CDS archives classes of jars only.
     */
    private String jarClassPath() throws IOException {
        List<String> entries = new ArrayList<>(List.of(jar(Path.of("target", "classes"), "tollgate-gateway.jar")));
        String runtime = Files.readString(Path.of("target", "runtime-class-path.txt")).trim();
        for (String entry : runtime.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            entries.add(Files.isDirectory(p) ? jar(p, "dependency-" + entries.size() + ".jar") : entry);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private String jar(Path classes, String name) throws IOException {
        Path jar = dir.resolve("app").resolve(name);
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> walk = Files.walk(classes)) {
            // Directory entries too: Spring's component scan lists a package through them.
            for (Path p : walk.filter(p -> !p.equals(classes)).sorted().toList()) {
                String entry = classes.relativize(p).toString().replace('\\', '/');
                out.putNextEntry(new JarEntry(Files.isDirectory(p) ? entry + "/" : entry));
                if (Files.isRegularFile(p)) {
                    Files.copy(p, out);
                }
                out.closeEntry();
            }
        }
        return jar.toString();
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish in 8 minutes: " + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Surefire may run tests from a manifest-only jar; the class path it stands for is in this property. */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
