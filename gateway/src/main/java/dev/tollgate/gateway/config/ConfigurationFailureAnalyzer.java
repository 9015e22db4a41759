package dev.tollgate.gateway.config;

import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Start-up failures caused by configuration, as one readable paragraph per problem and no stack trace: every problem
 * {@link ConfigurationCheck} found; a setting Tollgate refused while binding (an HS256 issuer, a root SPIFFE ID in a
 * subject mapping), with its key and where it was set; or a file or resource Tollgate could not use at start-up.
 */
public final class ConfigurationFailureAnalyzer implements FailureAnalyzer, Ordered {

    static final String ACTION = "Fix the settings above. 'java -jar tollgate-gateway-exec.jar validate' checks a"
            + " configuration without starting the gateway; gateway/CONFIGURATION.md describes every setting.";

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationException invalid) {
                return new FailureAnalysis("Tollgate's configuration has " + invalid.problems().size()
                        + " problem(s):\n\n" + invalid.problems().stream().map(ConfigurationProblem::describe)
                        .collect(Collectors.joining("\n\n")), ACTION, failure);
            }
            if (t instanceof BindException bind && bind.getName().toString().startsWith("tollgate")) {
                String origin = bind.getProperty() == null || bind.getProperty().getOrigin() == null ? ""
                        : "  (" + bind.getProperty().getOrigin() + ")";
                return new FailureAnalysis("Tollgate's configuration has 1 problem(s):\n\n" + bind.getName()
                        + origin + "\n    " + rootMessage(bind), ACTION, failure);
            }
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof dev.tollgate.policy.PolicyLoadException policy) {
                return new FailureAnalysis("Tollgate's policies cannot be loaded:\n\n    " + policy.getMessage(),
                        ACTION, failure);
            }
            if (t instanceof java.io.UncheckedIOException io && fromTollgate(io)) {
                return new FailureAnalysis("Tollgate could not start:\n\n    " + io.getMessage() + " ("
                        + (io.getCause() == null ? "" : io.getCause().getMessage()) + ")", ACTION, failure);
            }
        }
        if ((root instanceof IllegalStateException || root instanceof IllegalArgumentException) && fromTollgate(root)) {
            return new FailureAnalysis("Tollgate could not start:\n\n    " + root.getMessage(), ACTION, failure);
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static boolean fromTollgate(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.tollgate.")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
