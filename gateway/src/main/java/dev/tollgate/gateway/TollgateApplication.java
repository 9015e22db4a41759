package dev.tollgate.gateway;

import dev.tollgate.gateway.demo.DemoMain;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tollgate. {@code java -jar tollgate-gateway-exec.jar} runs the gateway with the operator's configuration
 * ({@code ./config/tollgate.yml}, or the folder named by {@code TOLLGATE_CONFIG_DIR}); with {@code demo} as the first
 * argument it runs the self-contained demo.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TollgateApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo")) {
            DemoMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        start(args);
    }

    public static ConfigurableApplicationContext start(String[] args) {
        String dir = System.getenv().getOrDefault("TOLLGATE_CONFIG_DIR", "./config");
        if (System.getProperty("spring.config.additional-location") == null) {
            System.setProperty("spring.config.additional-location", "optional:file:" + dir + "/tollgate.yml");
        }
        return SpringApplication.run(TollgateApplication.class, args);
    }
}
