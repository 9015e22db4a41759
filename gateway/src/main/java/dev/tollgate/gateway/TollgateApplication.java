package dev.tollgate.gateway;

import dev.tollgate.gateway.config.ConfigurationProblem;
import dev.tollgate.gateway.config.ConfigurationSchema;
import dev.tollgate.gateway.config.ConfigurationValidator;
import dev.tollgate.gateway.config.InvalidConfigurationException;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.demo.DemoMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tollgate. {@code java -jar tollgate-gateway-exec.jar} runs the gateway with the operator's configuration
 * ({@code ./config/tollgate.yml}, or the folder named by {@code TOLLGATE_CONFIG_DIR}); with {@code demo} as the first
 * argument it runs the self-contained demo; with {@code train} it runs the demo's requests through it once and exits
 * (the training run of a class-data archive), and with {@code archive} it makes that archive; with {@code validate}
 * it checks a configuration and exits; with {@code bundle} it makes, signs and verifies policy bundles.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TollgateApplication {

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("demo") || args[0].equals("train") || args[0].startsWith("-")) {
            warmUpSignatureProviders();
        }
        if (args.length > 0 && args[0].equals("train")) {
            System.exit(dev.tollgate.gateway.demo.DemoTraining.run(Arrays.copyOfRange(args, 1, args.length),
                    System.out));
        }
        if (args.length > 0 && args[0].equals("archive")) {
            System.exit(dev.tollgate.gateway.startup.ClassDataArchive.run(Arrays.copyOfRange(args, 1, args.length),
                    System.out));
        }
        if (args.length > 0 && args[0].equals("demo")) {
            DemoMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("schema")) {
            System.out.print(ConfigurationSchema.generate());
            return;
        }
        if (args.length > 0 && args[0].equals("bundle")) {
            System.exit(dev.tollgate.gateway.bundle.BundleCommand.run(Arrays.copyOfRange(args, 1, args.length),
                    System.out));
        }
        if (args.length > 0 && args[0].equals("validate")) {
            System.exit(ConfigurationValidator.run(Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        try {
            start(args);
        } catch (InvalidConfigurationException e) {
            System.err.println("Tollgate did not start:");
            e.problems().forEach(p -> System.err.println("\n" + p.describe()));
            System.exit(2);
        }
    }

    /**
     * Loading the native signature providers and their self-tests takes a second or more on a cold JVM: done on the
     * side while the demo's material is made and Spring builds the context, which (with the default preference,
     * {@code auto}) asks for the same selection and so waits only for what is left of it. Another configured preference
     * selects anew; the providers this one loaded are loaded already.
     */
    private static void warmUpSignatureProviders() {
        Thread warmUp = new Thread(() -> SignatureProviders.select(SignatureProviders.AUTO), "tollgate-crypto-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    public static ConfigurableApplicationContext start(String[] args) {
        if (System.getProperty("spring.config.additional-location") == null) {
            System.setProperty("spring.config.additional-location",
                    configLocation(System.getenv("TOLLGATE_CONFIG_DIR")));
        }
        return SpringApplication.run(TollgateApplication.class, args);
    }

    /**
     * Where the operator's {@code tollgate.yml} is: optional in {@code ./config} (the built-in defaults and command
     * line may be all there is), but required where {@code TOLLGATE_CONFIG_DIR} says — a folder that is not there is
     * a mistake to report, not a reason to start on defaults.
     */
    public static String configLocation(String configDir) {
        if (configDir == null || configDir.isBlank()) {
            return "optional:file:./config/tollgate.yml";
        }
        Path dir = Path.of(configDir);
        String problem = !Files.isDirectory(dir) ? "is not a directory"
                : !Files.isRegularFile(dir.resolve("tollgate.yml")) ? "has no tollgate.yml" : null;
        if (problem != null) {
            throw new InvalidConfigurationException(List.of(new ConfigurationProblem("TOLLGATE_CONFIG_DIR",
                    "environment", "'" + configDir + "' " + problem)));
        }
        return "file:" + dir.resolve("tollgate.yml");
    }
}
