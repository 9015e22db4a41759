package dev.tollgate.gateway.config;

import dev.tollgate.fallback.DependencyRegistry;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * The values the configuration records refuse, one per section of {@code tollgate.*}. Binding the whole tree stops at
 * its first refused value; binding each section on its own finds them all, so start-up ({@link StrictConfiguration})
 * and {@code validate} report every section's mistake in one run. The dependency guards, checked when their registry
 * is built rather than while binding, are checked here too.
 */
final class ConfigurationSections {

    private ConfigurationSections() {
    }

    static List<ConfigurationProblem> refused(Environment environment) {
        Binder binder = Binder.get(environment);
        List<ConfigurationProblem> found = new ArrayList<>();
        for (RecordComponent section : TollgateProperties.class.getRecordComponents()) {
            String name = "tollgate." + section.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            try {
                binder.bind(name, Bindable.of(ResolvableType.forType(section.getGenericType())));
            } catch (BindException e) {
                found.add(problem(e));
            }
        }
        try {
            binder.bind("tollgate.dependencies", Bindable.of(TollgateProperties.Dependencies.class))
                    .ifBound(d -> new DependencyRegistry(d.templates(), d.instances(), null));
        } catch (BindException alreadyFound) {
            // reported with the sections above
        } catch (IllegalArgumentException e) {
            found.add(new ConfigurationProblem("tollgate.dependencies", null, e.getMessage()));
        }
        return found;
    }

    static ConfigurationProblem problem(BindException e) {
        return new ConfigurationProblem(e.getName().toString(), e.getProperty() == null ? null
                : String.valueOf(e.getProperty().getOrigin()), ConfigurationValidator.root(e).getMessage());
    }
}
