package dev.tollgate.gateway.config;

import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.decisionlog.DecisionSink;
import dev.tollgate.gateway.decisionlog.FileDecisionSink;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DecisionLogConfiguration {

    @Bean(destroyMethod = "close")
    DecisionLog decisionLog(TollgateProperties properties) {
        TollgateProperties.DecisionLogSettings settings = properties.decisionLog();
        List<DecisionSink> sinks = new java.util.ArrayList<>();
        sinks.add(new FileDecisionSink(settings.path(), settings.maxFileBytes(), settings.maxFiles()));
        if (settings.stdout() && !"-".equals(settings.path())) {
            sinks.add(new FileDecisionSink("-")); // and to standard output, for a cluster's log collector
        }
        return new DecisionLog(settings.capacity(), DecisionLog.Overflow.parse(settings.overflow()), sinks);
    }

    /** Dropped, refused and failed events are metrics whichever overflow mode is chosen; free room is a gauge. */
    @Bean
    MeterBinder decisionLogMeters(DecisionLog decisionLog) {
        return registry -> {
            FunctionCounter.builder("tollgate.decision_log.dropped", decisionLog, DecisionLog::droppedCount)
                    .description("Decision events dropped because the log was full (overflow: drop)")
                    .register(registry);
            FunctionCounter.builder("tollgate.decision_log.refused", decisionLog, DecisionLog::refusedCount)
                    .description("Requests answered 503 because the log was full (overflow: refuse)")
                    .register(registry);
            FunctionCounter.builder("tollgate.decision_log.failed", decisionLog, DecisionLog::failedCount)
                    .description("Decision events lost because the log could not be written (a full disk)")
                    .register(registry);
            Gauge.builder("tollgate.decision_log.failing", decisionLog, log -> log.failing() ? 1 : 0)
                    .description("1 while the decision log cannot be written, else 0").register(registry);
            Gauge.builder("tollgate.decision_log.free", decisionLog, DecisionLog::freeCapacity)
                    .description("Room left in the decision log's queue").register(registry);
        };
    }
}
