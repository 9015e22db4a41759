package dev.tollgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.testsupport.GatewayFixture;
import dev.tollgate.gateway.route.TollgateGatewayFilterFactory;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every duration and count setting under {@code tollgate.*}, found in the generated configuration schema (so a new one
 * is covered the day it is added), and every duration, count and size argument of the Tollgate route filter, found in
 * its {@code Config}, is refused by {@code validate} — and so at start-up, which binds the same records — when it is negative,
 * and when it is zero unless zero has a meaning. A zero poll interval would spin a scheduler; a negative time limit
 * fails every call; a negative time-to-live silently turns a cache or a staleness bound into "never"; a DPoP
 * {@code max-jti-length} of 0 was silently read as the default: each started silently before.
 */
class SettingRangesTest {

    /** Zero means something for these: no tolerance for clock skew; do not cache; none; any free port. */
    static final Set<String> ZERO_ALLOWED = Set.of(
            "tollgate.issuers.test.clock-skew",
            "tollgate.dpop.clock-skew",
            "tollgate.entities.cache-ttl",
            "tollgate.decision-cache.ttl",
            "tollgate.issuers.test.max-delegation-depth",
            "tollgate.decision-log.max-files",
            "tollgate.redis.replica-acks",
            "tollgate.decision-cache.max-entries",
            "tollgate.entities.max-cached",
            "tollgate.entities.max-entries",
            "tollgate.admin.port");

    static final GatewayFixture fixture = GatewayFixture.get();

    @TempDir
    Path dir;

    /**
     * The schema's duration and count settings as concrete keys (a map entry named as the sound configuration names
     * it).
     */
    static List<String> rangedKeys() throws Exception {
        return List.copyOf(kinds().keySet());
    }

    static List<String> durations() throws Exception {
        return kinds().entrySet().stream().filter(e -> e.getValue()).map(Map.Entry::getKey).toList();
    }

    /** Each ranged key, and whether it is a duration (else a count). */
    private static Map<String, Boolean> kinds() throws Exception {
        JsonNode schema = JsonMapper.builder().build().readTree(ConfigurationSchema.generate());
        Map<String, Boolean> keys = new java.util.LinkedHashMap<>();
        collect(schema, schema, "", keys);
        return keys;
    }

    private static void collect(JsonNode root, JsonNode node, String path, Map<String, Boolean> out) {
        if (node.has("$ref")) {
            String[] ref = node.get("$ref").asString().split("/");
            collect(root, root.path("$defs").path(ref[ref.length - 1]), path, out);
        }
        boolean duration = node.path("pattern").asString().startsWith("^(-?\\d+(ns|us|ms|s|m|h|d)?");
        boolean count = node.path("type").isArray() && node.path("type").toString().contains("\"integer\"")
                && !node.has("pattern");
        if (duration || count) {
            out.put(path.substring(1), duration);
        }
        for (Map.Entry<String, JsonNode> p : node.path("properties").properties()) {
            collect(root, p.getValue(), path + "." + p.getKey(), out);
        }
        if (node.path("additionalProperties").isObject()) {
            String name = path.endsWith("issuers") ? "test" : path.endsWith("templates") ? "default" : "redis";
            collect(root, node.get("additionalProperties"), path + "." + name, out);
        }
        if (node.path("items").isObject()) {
            collect(root, node.get("items"), path + "[0]", out);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            node.path(combinator).forEach(n -> collect(root, n, path, out));
        }
    }

    static Stream<Arguments> outOfRange() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        Map<String, Boolean> kinds = kinds();
        for (String key : kinds.keySet()) {
            if (kinds.get(key)) {
                cases.add(Arguments.of(key, "-1s"));
            }
            cases.add(Arguments.of(key, "-1"));
            if (!ZERO_ALLOWED.contains(key)) {
                cases.add(Arguments.of(key, "0"));
            }
        }
        return cases.stream();
    }

    @Test
    void theSchemaYieldsEveryDurationAndCountSetting() throws Exception {
        assertThat(rangedKeys()).hasSizeGreaterThanOrEqualTo(48).contains("tollgate.revocation.poll-interval",
                "tollgate.issuers.test.refresh-interval", "tollgate.dependencies.instances.redis.time-limit",
                "tollgate.trust-domains[0].refresh-interval", "tollgate.limits.max-token-bytes",
                "tollgate.dpop.max-jti-length").containsAll(ZERO_ALLOWED);
        assertThat(durations()).hasSize(26);
        assertThat(validate(withSetting(null, null))).as("the sound configuration").startsWith("0");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("outOfRange")
    void anOutOfRangeValueIsRefusedNamingItsSetting(String key, String value) throws Exception {
        String out = validate(withSetting(key, value));
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        assertThat(out).as(out).startsWith("2");
        assertThat(out.split("\n\n")).as("one problem names %s and says what it must be: %s", leaf, out)
                .anyMatch(problem -> problem.contains(leaf) && problem.contains("must"));
    }

    @Test
    void everyRefusedSectionIsReportedInOneRun() throws Exception {
        String yaml = withSetting("tollgate.revocation.poll-interval", "1") + String.join("\n",
                "tollgate.redis.replica-ack-timeout: 0s",
                "tollgate.dpop.clock-skew: -5s",
                "tollgate.issuers.remote.issuer: https://remote.test",
                "tollgate.issuers.remote.jwks-uri: https://remote.test/jwks",
                "tollgate.issuers.remote.max-key-staleness: 1m",
                "tollgate.issuers.remote.refresh-interval: 5m",
                "tollgate.dependencies.instances.redis.wait-in-open: 0s", "");
        String out = validate(yaml);
        assertThat(out).as(out).startsWith("2").contains("5 problem(s)")
                .contains("dependency redis: wait-in-open must be > 0")
                .contains("poll-interval must be at least 10ms").contains("bare number")
                .contains("replica-ack-timeout must be more than 0")
                .contains("clock-skew must not be negative")
                .contains("max-key-staleness (PT1M) must be longer than refresh-interval (PT5M)");
    }

    @Test
    void maxKeyStalenessIsJudgedAgainstTheRefreshThatPacesTheKeys() throws Exception {
        // The sound configuration's issuer reads a key file, which never goes stale: its refresh-interval paces nothing.
        assertThat(validate(withSetting("tollgate.issuers.test.max-key-staleness", "1m")
                + "tollgate.issuers.test.refresh-interval: 5m\n")).startsWith("0");
        String remote = withSetting(null, null) + String.join("\n",
                "tollgate.issuers.remote.issuer: https://remote.test",
                "tollgate.issuers.remote.jwks-uri: https://remote.test/jwks",
                "tollgate.issuers.remote.audiences[0]: tollgate",
                "tollgate.issuers.remote.trust-domains[0]: acme.test",
                "tollgate.issuers.remote.max-key-staleness: 1m", "");
        assertThat(validate(remote)).as("refresh-interval defaults to 5m").startsWith("2")
                .contains("max-key-staleness (PT1M) must be longer than refresh-interval (PT5M)");
        assertThat(validate(remote + "tollgate.issuers.remote.refresh-interval: 30s\n")).startsWith("0");
    }

    @Test
    void aBoundThatBoundsNothingIsRefused() throws Exception {
        for (String key : List.of("tollgate.limits.max-token-bytes", "tollgate.limits.max-proof-bytes")) {
            String out = validate(withSetting(key, "100000000"));
            assertThat(out).as(out).startsWith("2").contains(key + " must be within 1..65536");
        }
        assertThat(validate(withSetting("tollgate.dpop.max-jti-length", "4097")))
                .startsWith("2").contains("max-jti-length must be within 1..4096");
        assertThat(validate(withSetting("tollgate.admin.port", "65536")))
                .startsWith("2").contains("admin.port must be within 0..65535");
        for (String size : List.of("0B", "-1MB")) {
            assertThat(validate(withSetting("tollgate.decision-log.max-file-size", size))).as(size)
                    .startsWith("2").contains("max-file-size must be more than 0");
        }
        assertThat(validate(withSetting("tollgate.decision-log.max-file-size", "100MB"))).startsWith("0");
        assertThat(validate(withSetting("tollgate.decision-log.max-file-size", "none"))).startsWith("0");
        for (String typo : List.of("unlimited", "nonee", "100 MiB")) {
            assertThat(validate(withSetting("tollgate.decision-log.max-file-size", typo))).as(typo)
                    .startsWith("2").contains("max-file-size must be a size such as 100MB, or none");
        }
    }

    /** A log that grows with every request is a disk a client can fill: unset means capped, "none" has to be said. */
    @Test
    void theDecisionLogIsCappedUnlessTheOperatorSaysNone() {
        TollgateProperties.DecisionLogSettings unset = new TollgateProperties.DecisionLogSettings(null, null, null,
                null, null, null);
        assertThat(unset.maxFileBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(unset.maxFiles()).isEqualTo(5);
        assertThat(new TollgateProperties.DecisionLogSettings(null, null, null, "none", null, null).maxFileBytes())
                .isZero();
    }

    /**
     * Every duration, count and size argument of the Tollgate route filter, found by walking its {@code Config} (so an
     * argument added later is covered the day it is added), refused at zero and below with the argument named.
     */
    static Stream<Arguments> routeArgumentsOutOfRange() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        routeArguments(TollgateGatewayFilterFactory.Config.class, "").forEach((argument, type) -> {
            String unit = type == Duration.class ? "s" : type == DataSize.class ? "B" : "";
            cases.add(Arguments.of(argument, "-1" + unit));
            cases.add(Arguments.of(argument, "0" + unit));
        });
        cases.add(Arguments.of("retry-after", "500ms")); // Retry-After counts whole seconds
        return cases.stream();
    }

    /** The filter's ranged arguments (kebab-case, nested ones dotted) and their types. */
    static Map<String, Class<?>> routeArguments(Class<?> type, String prefix) throws Exception {
        Map<String, Class<?>> out = new java.util.TreeMap<>();
        for (PropertyDescriptor p : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
            if (p.getWriteMethod() == null) {
                continue;
            }
            String name = prefix + p.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Class<?> t = p.getPropertyType();
            if (t == Duration.class || t == DataSize.class || t == int.class || t == Integer.class
                    || t == long.class || t == Long.class) {
                out.put(name, t);
            } else if (t.getDeclaringClass() == TollgateGatewayFilterFactory.class) {
                out.putAll(routeArguments(t, name + "."));
            }
        }
        return out;
    }

    @Test
    void theFilterYieldsEveryRangedRouteArgument() throws Exception {
        assertThat(routeArguments(TollgateGatewayFilterFactory.Config.class, "").keySet()).containsExactlyInAnyOrder(
                "retry-after", "degrade.serve-stale-decisions", "mcp.max-body", "mcp.max-depth", "mcp.max-batch",
                "mcp.max-list-response");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("routeArgumentsOutOfRange")
    void aRouteArgumentOutOfRangeIsRefusedNamingIt(String argument, String value) throws Exception {
        String route = "spring.cloud.gateway.server.webflux.routes[0].";
        String args = route + "filters[0].args.";
        List<String> lines = new ArrayList<>(List.of(
                route + "id: acme-api",
                route + "uri: http://127.0.0.1:1",
                route + "predicates[0]: Path=/api/acme/**",
                route + "filters[0].name: Tollgate",
                args + "tenant: acme"));
        if (argument.startsWith("degrade.")) {
            lines.add(args + "failure-mode: degrade");
        }
        if (argument.startsWith("mcp.")) {
            lines.add(args + "mcp.server: weather");
        }
        String yaml = withSetting(null, null) + String.join("\n", lines) + "\n";
        String out = validate(yaml + args + argument + ": '" + value + "'\n");
        assertThat(out).as(out).startsWith("2").contains("filters[0]")
                .contains(argument.substring(argument.lastIndexOf('.') + 1) + " must");
        String sound = value.endsWith("ms") ? "5s" : value.endsWith("s") ? "5s" : value.endsWith("B") ? "64KB" : "8";
        assertThat(validate(yaml + args + argument + ": '" + sound + "'\n")).as("and %s is sound", sound)
                .startsWith("0");
    }

    @ParameterizedTest(name = "{0}: 0")
    @MethodSource("zeroAllowed")
    void zeroIsAcceptedWhereItMeansSomething(String key) throws Exception {
        String out = validate(withSetting(key, "0"));
        assertThat(out).as(out).startsWith("0");
    }

    static Stream<String> zeroAllowed() {
        return ZERO_ALLOWED.stream();
    }

    /** A sound configuration with {@code key} set to {@code value}, and what that setting's section needs beside it. */
    private String withSetting(String key, String value) throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        String trustDomainExtra = "";
        if (key != null && key.startsWith("tollgate.trust-domains[0].")) {
            trustDomainExtra = "\n      " + key.substring("tollgate.trust-domains[0].".length()) + ": " + value;
        } else if (key != null) {
            settings.put(key, value);
        }
        if (key != null && key.startsWith("tollgate.upstream-tls.workload-api.")) {
            settings.put("tollgate.upstream-tls.workload-api.socket", "unix:/run/spire/agent.sock");
        } else if (key != null && key.startsWith("tollgate.upstream-tls.")) {
            settings.put("tollgate.upstream-tls.certificate", fixture.path("server.pem").toString());
            settings.put("tollgate.upstream-tls.private-key", fixture.path("server-key.pem").toString());
        }
        StringBuilder overrides = new StringBuilder();
        settings.forEach((k, v) -> overrides.append(k).append(": '").append(v).append("'\n"));
        return SoundConfiguration.tollgate(fixture, trustDomainExtra, "") + "---\n" + overrides;
    }

    /** The validate command's exit code, a newline, and what it printed. */
    private String validate(String yaml) throws Exception {
        SoundConfiguration.Validation v = SoundConfiguration.validate(dir, yaml);
        return v.exit() + "\n" + v.output();
    }
}
