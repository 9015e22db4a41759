package dev.tollgate.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class TollgateApplication {
    public static void main(String[] args) {
        SpringApplication.run(TollgateApplication.class, args);
    }
}
