package dev.tollgate.peer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway and nothing else (no Tollgate, no security): the baseline of perf/compare.sh's ratios. Routes,
 * TLS and port come from the command line the script passes.
 */
@SpringBootApplication
public class PlainGateway {

    public static void main(String[] args) {
        SpringApplication.run(PlainGateway.class, args);
    }
}
