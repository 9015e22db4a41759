package dev.tollgate.gateway.config;

import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Runs {@link ConfigurationCheck} and {@link ConfigurationSections} before any bean is created, so that a gateway with a misspelt or misplaced setting
 * does not start at all; every problem is reported at once ({@link ConfigurationFailureAnalyzer}).
 */
public final class StrictConfiguration implements BeanFactoryPostProcessor, EnvironmentAware, PriorityOrdered {

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        List<ConfigurationProblem> problems = new java.util.ArrayList<>(ConfigurationCheck.problems(environment));
        problems.addAll(ConfigurationSections.refused(environment));
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
