package dev.tollgate.gateway.config;

import dev.tollgate.gateway.route.TollgateGatewayFilterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The checks Spring's binder does not make, because it ignores what it does not know: every key under
 * {@code tollgate.*} and every argument of a {@code Tollgate} filter must name a setting (a misspelt
 * {@code audience:} would otherwise be dropped and every token refused), routes must use the current property prefix,
 * and each route's tenant must have a policy folder. Keys set in files, on the command line and by tests are checked;
 * the process environment and JVM system properties are not (they carry unrelated {@code TOLLGATE_*} variables).
 */
public final class ConfigurationCheck {

    static final String ROUTES = "spring.cloud.gateway.server.webflux.routes";
    private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("tollgate");
    private static final List<String> OLD_ROUTE_PREFIXES = List.of("spring.cloud.gateway.routes",
            "spring.cloud.gateway.server.webmvc.routes");

    private ConfigurationCheck() {
    }

    /** Every problem found, in the order of the keys; empty when the configuration is sound. */
    public static List<ConfigurationProblem> problems(ConfigurableEnvironment environment) {
        Map<String, ConfigurationProblem> out = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (skipped(source) || !(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().forEach(name -> {
                if (PREFIX.isAncestorOf(name)) {
                    ConfigurationKeys.Unknown unknown = ConfigurationKeys.check(TollgateProperties.class, name, 1);
                    if (unknown != null) {
                        out.putIfAbsent(name.toString(), new ConfigurationProblem(name.toString(),
                                origin(source, name), unknown.describe()));
                    }
                }
                for (String old : OLD_ROUTE_PREFIXES) {
                    if (ConfigurationPropertyName.of(old).isAncestorOf(name)) {
                        out.putIfAbsent(old, new ConfigurationProblem(name.toString(), origin(source, name),
                                "routes under '" + old + "' are ignored by this Spring Cloud Gateway; put them under '"
                                        + ROUTES + "'"));
                    }
                }
            });
        }
        List<ConfigurationProblem> problems = new ArrayList<>(out.values());
        problems.addAll(routeProblems(environment));
        return problems;
    }

    private static List<ConfigurationProblem> routeProblems(ConfigurableEnvironment environment) {
        Binder binder = Binder.get(environment);
        List<RouteDefinition> routes = binder.bind(ROUTES, Bindable.listOf(RouteDefinition.class)).orElse(List.of());
        Path policies = binder.bind("tollgate.policies.directory", Path.class).orElse(Path.of("config/policies"));
        List<ConfigurationProblem> problems = new ArrayList<>();
        for (int r = 0; r < routes.size(); r++) {
            List<FilterDefinition> filters = routes.get(r).getFilters();
            for (int f = 0; f < filters.size(); f++) {
                FilterDefinition filter = filters.get(f);
                if (!"Tollgate".equals(filter.getName())) {
                    continue;
                }
                String at = ROUTES + "[" + r + "].filters[" + f + "]";
                String tenant = null;
                for (Map.Entry<String, String> arg : filter.getArgs().entrySet()) {
                    String key = arg.getKey();
                    if (key.startsWith("_genkey_")) {
                        tenant = tenant == null && key.equals("_genkey_0") ? arg.getValue() : tenant;
                        continue;
                    }
                    if (key.equals("tenant")) {
                        tenant = arg.getValue();
                    }
                    java.net.URI uri = routes.get(r).getUri();
                    if (key.equals("upstream.spiffe-id") && (uri == null || !"https".equals(uri.getScheme()))) {
                        String full = at + ".args." + key;
                        problems.add(new ConfigurationProblem(full, origin(environment, full), "route '"
                                + routes.get(r).getId() + "' pins its upstream's SPIFFE ID, so its uri must be https"
                                + " (it is " + uri + ")"));
                    }
                    // Filter args arrive flattened ("mcp.authorization-servers.0"): list indexes back in brackets.
                    String indexed = key.replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
                    ConfigurationPropertyName name = ConfigurationPropertyName.isValid(indexed)
                            ? ConfigurationPropertyName.of(indexed) : ConfigurationPropertyName.adapt(key, '.');
                    ConfigurationKeys.Unknown unknown = name.isEmpty() ? null
                            : ConfigurationKeys.check(TollgateGatewayFilterFactory.Config.class, name, 0);
                    if (unknown != null) {
                        String full = at + ".args." + key;
                        problems.add(new ConfigurationProblem(full, origin(environment, full),
                                "the Tollgate filter has no argument '" + key + "': " + unknown.describe()));
                    }
                }
                if (tenant == null || tenant.isBlank()) {
                    problems.add(new ConfigurationProblem(at, origin(environment, at + ".name"),
                            "the Tollgate filter needs a tenant"));
                } else if (!Files.isRegularFile(policies.resolve(tenant.trim()).resolve("tenant.yaml"))) {
                    problems.add(new ConfigurationProblem(at, origin(environment, at + ".name"),
                            "route '" + routes.get(r).getId() + "' names tenant '" + tenant.trim()
                                    + "', which has no policy folder (" + policies.resolve(tenant.trim())
                                    + "/tenant.yaml): every request would be denied"));
                }
            }
        }
        return problems;
    }

    private static boolean skipped(ConfigurationPropertySource source) {
        Object underlying = source.getUnderlyingSource();
        if (underlying instanceof PropertySource<?> ps) {
            String name = ps.getName();
            return name.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
                    || name.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)
                    || name.equals("configurationProperties");
        }
        return false;
    }

    private static String origin(ConfigurableEnvironment environment, String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!skipped(source) && source.getConfigurationProperty(name) != null) {
                return origin(source, name);
            }
        }
        return null;
    }

    private static String origin(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        Origin origin = property == null ? null : property.getOrigin();
        for (Origin o = origin; o != null;
                o = o instanceof org.springframework.boot.origin.PropertySourceOrigin p && p.getOrigin() != null
                        ? p.getOrigin() : o.getParent()) {
            if (o instanceof TextResourceOrigin text && text.getLocation() != null) {
                String resource = text.getResource() == null ? "?" : text.getResource().getDescription();
                return resource + " line " + (text.getLocation().getLine() + 1);
            }
        }
        return origin == null ? String.valueOf(source.getUnderlyingSource()) : origin.toString();
    }
}
