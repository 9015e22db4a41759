package dev.tollgate.gateway.config;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the configuration, reported together (a start-up failure, or {@code validate}'s answer). */
public final class InvalidConfigurationException extends RuntimeException {

    private final List<ConfigurationProblem> problems;

    public InvalidConfigurationException(List<ConfigurationProblem> problems) {
        super(problems.size() + " configuration problem(s): " + problems.stream().map(ConfigurationProblem::key)
                .collect(Collectors.joining(", ")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigurationProblem> problems() {
        return problems;
    }
}
