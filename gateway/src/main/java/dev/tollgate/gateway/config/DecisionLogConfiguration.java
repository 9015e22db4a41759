package dev.tollgate.gateway.config;

import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.decisionlog.FileDecisionSink;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DecisionLogConfiguration {

    @Bean(destroyMethod = "close")
    DecisionLog decisionLog(TollgateProperties properties) {
        TollgateProperties.DecisionLogSettings settings = properties.decisionLog();
        return new DecisionLog(settings.capacity(), List.of(new FileDecisionSink(settings.path())));
    }
}
