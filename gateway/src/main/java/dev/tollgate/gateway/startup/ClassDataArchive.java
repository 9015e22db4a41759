package dev.tollgate.gateway.startup;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar app/tollgate-gateway-exec.jar archive [file] [--property=value ...]}: makes the class-data archive
 * that later starts map instead of loading, parsing and verifying Tollgate's ~15,000 classes one by one — the largest
 * part of its start-up (docs/PRODUCTION.md, Start-up; perf/results/coldstart-*.md).
 *
 * <p>Two JVMs are started with the same {@code java} and the same class path as this one. The first runs
 * {@code train} (the demo's requests through the demo, {@link dev.tollgate.gateway.demo.DemoTraining}): on JDK 25+
 * it writes the AOT cache itself ({@code -XX:AOTCacheOutput}, JEP 514); on JDK 17–24 it writes the list of the classes
 * it loaded, and the second dumps a static CDS archive of them ({@code -Xshare:dump}). Not JDK 17's dynamic archive
 * ({@code -XX:ArchiveClassesAtExit}): writing it crashed this JVM (17.0.15, SIGSEGV in
 * {@code SystemDictionaryShared::adjust_lambda_proxy_class_dictionary}), and so did a static dump of the lambda
 * proxies, so those are left out of the list; the classes themselves are what cost the time.
 *
 * <p>An archive is valid only for the JVM and class path that made it: run this where the gateway will run, with the
 * same {@code java} and the same {@code -jar} path, in a directory holding the demo's configuration
 * ({@code config/}, as in the repository and the image); the training binds the demo's ports on loopback (8443, 9443,
 * 9444, 9081; properties given after the file go to the training run, e.g. {@code --server.port=0}). The fat jar
 * cannot be archived (its classes sit in nested jars): extract it first.
 */
public final class ClassDataArchive {

    /** The first Java feature release whose {@code -XX:AOTCacheOutput} trains and writes in one run. */
    static final int ONE_STEP_AOT_CACHE = 25;

    private static final long TRAINING_TIMEOUT_MINUTES = 10;

    private ClassDataArchive() {
    }

    public static int run(String[] args, PrintStream out) {
        String classPath = System.getProperty("java.class.path");
        if (classPath == null || classPath.isBlank() || !fromPlainJar()) {
            out.println("archive: run it from the extracted jar, not the fat jar (CDS archives only classes of plain"
                    + " jars):\n  java -Djarmode=tools -jar tollgate-gateway-exec.jar extract --destination app\n"
                    + "  java -jar app/tollgate-gateway-exec.jar archive");
            return 2;
        }
        int feature = Runtime.version().feature();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        boolean named = args.length > 0 && !args[0].startsWith("--");
        Path archive = Path.of(named ? args[0]
                : feature >= ONE_STEP_AOT_CACHE ? "tollgate.aot" : "tollgate.jsa").toAbsolutePath();
        List<String> trainingArgs = List.of(args).subList(named ? 1 : 0, args.length);
        try {
            Files.deleteIfExists(archive);
            if (feature >= ONE_STEP_AOT_CACHE) {
                if (!runJvm(out, training(java, "-XX:AOTCacheOutput=" + archive, classPath, trainingArgs))) {
                    return 1;
                }
            } else {
                Path classList = Files.createTempFile("tollgate-classes", ".classlist");
                try {
                    if (!runJvm(out, training(java, "-XX:DumpLoadedClassList=" + classList, classPath,
                            trainingArgs))) {
                        return 1;
                    }
                    withoutLambdaProxies(classList);
                    // -Xlog:cds=error: a hundred "Preload Warning"s for proxies and classes CDS skips say nothing.
                    if (!runJvm(out, List.of(java, "-Xshare:dump", "-Xlog:cds=error", "-XX:SharedClassListFile="
                            + classList, "-XX:SharedArchiveFile=" + archive, "-cp", classPath))) {
                        return 1;
                    }
                } finally {
                    Files.deleteIfExists(classList);
                }
            }
        } catch (IOException e) {
            out.println("archive: " + e.getMessage());
            return 1;
        }
        if (!Files.isRegularFile(archive)) {
            out.println("archive: the JVM wrote no " + archive);
            return 1;
        }
        out.println("archive: wrote " + archive + "\nStart with the same java and class path:\n  java "
                + useFlag(feature, archive) + (classPath.contains(File.pathSeparator)
                        ? " -cp " + classPath + " " + dev.tollgate.gateway.TollgateApplication.class.getName()
                        : " -jar " + classPath));
        return 0;
    }

    /** The flag that maps {@code archive} at start-up. */
    public static String useFlag(int feature, Path archive) {
        return feature >= ONE_STEP_AOT_CACHE ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive;
    }

    /** JDK 17's static dump crashes on some lambda proxies (above): keep the classes, drop the proxies. */
    static void withoutLambdaProxies(Path classList) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(classList)) {
            if (!line.startsWith("@lambda-proxy")) {
                kept.add(line);
            }
        }
        Files.write(classList, kept);
    }

    /** The training JVM: {@code train} (with the caller's extra arguments) under the given recording flag. */
    private static List<String> training(String java, String recording, String classPath, List<String> trainingArgs) {
        List<String> command = new ArrayList<>(List.of(java, recording, "-cp", classPath,
                dev.tollgate.gateway.TollgateApplication.class.getName(), "train"));
        command.addAll(trainingArgs);
        return command;
    }

    /**
     * Loaded from a jar file of the class path: not from a jar nested in the fat jar (Spring Boot's launcher) nor from
     * a directory of classes, both of which CDS cannot archive.
     */
    private static boolean fromPlainJar() {
        var source = ClassDataArchive.class.getProtectionDomain().getCodeSource();
        String location = source == null || source.getLocation() == null ? "" : source.getLocation().toString();
        return location.startsWith("file:") && location.endsWith(".jar");
    }

    private static boolean runJvm(PrintStream out, List<String> command) throws IOException {
        out.println("archive: " + String.join(" ", command.stream()
                .map(c -> c.length() > 200 ? c.substring(0, 60) + "...(" + c.length() + " characters)" : c).toList()));
        Process p = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!p.waitFor(TRAINING_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                out.println("archive: gave up after " + TRAINING_TIMEOUT_MINUTES + " minutes");
                return false;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
        if (p.exitValue() != 0) {
            out.println("archive: exited with " + p.exitValue());
        }
        return p.exitValue() == 0;
    }
}
