package dev.tollgate.gateway.config;

import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.gateway.route.TollgateGatewayFilterFactory;
import dev.tollgate.gateway.token.IssuerKeys;
import dev.tollgate.gateway.token.IssuerSettings;
import dev.tollgate.gateway.token.TokenVerifier;
import dev.tollgate.policy.PolicyEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;

/**
 * {@code java -jar tollgate-gateway-exec.jar validate [--config FILE]}: loads everything a gateway would — the YAML
 * and its keys, trust bundles, issuers and their key files, TLS material, policies, routes and their failure modes —
 * without opening a port or calling a remote endpoint (remote bundles and key sets are only checked for form), prints
 * what it checked and every problem, and exits 0 or 2. Meant for CI.
 */
public final class ConfigurationValidator {

    private final PrintStream out;
    private final List<ConfigurationProblem> problems = new ArrayList<>();

    private ConfigurationValidator(PrintStream out) {
        this.out = out;
    }

    /** The command: 0 when the configuration is sound, 2 when not. */
    public static int run(String[] args, PrintStream out) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else {
                out.println("usage: validate [--config FILE]   (default: $TOLLGATE_CONFIG_DIR/tollgate.yml or"
                        + " ./config/tollgate.yml)");
                return 2;
            }
        }
        if (file == null) {
            String dir = System.getenv("TOLLGATE_CONFIG_DIR");
            file = Path.of(dir == null || dir.isBlank() ? "./config" : dir).resolve("tollgate.yml");
        }
        List<ConfigurationProblem> found = new ConfigurationValidator(out).validate(file);
        if (found.isEmpty()) {
            out.println("OK: " + file + " is a valid Tollgate configuration");
            return 0;
        }
        out.println();
        out.println(file + " has " + found.size() + " problem(s):");
        found.forEach(p -> out.println("\n" + p.describe()));
        return 2;
    }

    /** Every problem of the configuration in {@code file} (on top of the built-in defaults). */
    public List<ConfigurationProblem> validate(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of(new ConfigurationProblem(file.toString(), null, "no such configuration file"));
        }
        StandardEnvironment env = new StandardEnvironment();
        try {
            YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
            yaml.load("built-in defaults", new ClassPathResource("application.yml"))
                    .forEach(env.getPropertySources()::addLast);
            yaml.load(file.toString(), new FileSystemResource(file)).forEach(env.getPropertySources()::addFirst);
        } catch (IOException | RuntimeException e) {
            return List.of(new ConfigurationProblem(file.toString(), null, "not readable YAML: " + e.getMessage()));
        }
        out.println("checking " + file);
        problems.addAll(ConfigurationCheck.problems(env));
        out.println("  keys: every key under tollgate.* and every Tollgate filter argument named a setting");
        List<ConfigurationProblem> refused = ConfigurationSections.refused(env);
        if (!refused.isEmpty()) {
            problems.addAll(refused);
            return problems;
        }
        out.println("  values: every section's values within their ranges, dependency guards included");
        TollgateProperties properties;
        try {
            properties = Binder.get(env).bind("tollgate", Bindable.of(TollgateProperties.class))
                    .orElseGet(() -> new TollgateProperties(null, null, null, null, null, null, null, null, null, null,
                            null, null, null, null, null, null));
        } catch (BindException e) { // not expected once every section bound on its own
            problems.add(ConfigurationSections.problem(e));
            return problems;
        }
        tls(properties.tls());
        trustDomains(properties);
        issuers(properties);
        policies(properties);
        routes(env);
        return problems;
    }

    private void tls(TollgateProperties.Tls tls) {
        for (Map.Entry<String, Path> f : map("tollgate.tls.certificate", tls.certificate(), "tollgate.tls.private-key",
                tls.privateKey()).entrySet()) {
            if (f.getValue() == null) {
                problems.add(new ConfigurationProblem(f.getKey(), null, "required: the API listener is TLS only"));
            } else if (!Files.isReadable(f.getValue())) {
                problems.add(new ConfigurationProblem(f.getKey(), null, "cannot read " + f.getValue()));
            }
        }
        if (tls.certificate() != null && tls.privateKey() != null && Files.isReadable(tls.certificate())
                && Files.isReadable(tls.privateKey())) {
            try {
                dev.tollgate.gateway.crypto.PemFiles.certifiedKey(tls.certificate(), tls.privateKey());
            } catch (IllegalArgumentException e) { // the listener would refuse to start on the same
                problems.add(new ConfigurationProblem("tollgate.tls.private-key", null, e.getMessage()));
            }
        }
        out.println("  tls: certificate and private key " + (tls.certificate() == null ? "missing" : "present"));
    }

    private void trustDomains(TollgateProperties properties) {
        int i = 0;
        for (TollgateProperties.TrustDomainSettings td : properties.trustDomains()) {
            String key = "tollgate.trust-domains[" + i++ + "]";
            if (td.bundleFile() != null) {
                try {
                    int n = TrustDomains.readPem(td.bundleFile()).size();
                    out.println("  trust domain " + td.name() + ": bundle " + td.bundleFile() + " (" + n + " CA)");
                } catch (RuntimeException e) {
                    problems.add(new ConfigurationProblem(key + ".bundle-file", null, e.getMessage()));
                }
            } else if (td.bundleEndpoint() == null) {
                problems.add(new ConfigurationProblem(key, null, "trust domain " + td.name()
                        + " needs a bundle-file or a bundle-endpoint"));
            } else {
                out.println("  trust domain " + td.name() + ": bundle endpoint " + td.bundleEndpoint()
                        + " (not fetched)");
            }
        }
    }

    private void issuers(TollgateProperties properties) {
        properties.issuers().forEach((name, settings) -> {
            String key = "tollgate.issuers." + name;
            try {
                new TokenVerifier.Issuer(settings, null); // the algorithm rules
                if (settings.jwksFile() != null) {
                    int n = IssuerKeys.readKeyFile(settings).size();
                    out.println("  issuer " + settings.issuer() + ": " + n + " key(s) from " + settings.jwksFile());
                } else {
                    out.println("  issuer " + settings.issuer() + ": remote keys (not fetched)");
                }
            } catch (RuntimeException e) {
                problems.add(new ConfigurationProblem(key, null, e.getMessage()));
            }
        });
    }

    private void policies(TollgateProperties properties) {
        Path dir = properties.policies().directory();
        try {
            PolicyEngine engine = PolicyEngine.load(dir, Clock.systemUTC());
            out.println("  policies: " + dir + " loaded (" + engine.tenants() + ")");
        } catch (RuntimeException e) {
            problems.add(new ConfigurationProblem("tollgate.policies.directory", dir.toString(), e.getMessage()));
        }
    }

    private void routes(StandardEnvironment env) {
        List<RouteDefinition> routes = Binder.get(env).bind(ConfigurationCheck.ROUTES,
                Bindable.listOf(RouteDefinition.class)).orElse(List.of());
        for (int r = 0; r < routes.size(); r++) {
            List<FilterDefinition> filters = routes.get(r).getFilters();
            for (int f = 0; f < filters.size(); f++) {
                if (!"Tollgate".equals(filters.get(f).getName())) {
                    continue;
                }
                Map<String, String> args = new LinkedHashMap<>(filters.get(f).getArgs());
                List<String> order = List.of("tenant", "requires");
                for (int k = 0; k < order.size(); k++) {
                    String value = args.remove("_genkey_" + k);
                    if (value != null) {
                        args.put(order.get(k), value);
                    }
                }
                try {
                    TollgateGatewayFilterFactory.Config config = new Binder(new MapConfigurationPropertySource(args))
                            .bindOrCreate("", Bindable.of(TollgateGatewayFilterFactory.Config.class));
                    config.toRouteSecurity();
                } catch (RuntimeException e) {
                    problems.add(new ConfigurationProblem(ConfigurationCheck.ROUTES + "[" + r + "].filters[" + f + "]",
                            null, root(e).getMessage()));
                }
            }
        }
        out.println("  routes: " + routes.size() + " (Tollgate filter arguments bound and checked)");
    }

    private static Map<String, Path> map(String k1, Path v1, String k2, Path v2) {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
