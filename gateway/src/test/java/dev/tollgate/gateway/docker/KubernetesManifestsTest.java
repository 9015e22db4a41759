package dev.tollgate.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tollgate.gateway.config.ConfigurationCheck;
import dev.tollgate.gateway.config.ConfigurationSchema;
import dev.tollgate.policy.PolicyEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 14, item 7: the Kubernetes manifests, checked offline like the Docker files (no cluster, no kubectl here):
 * what kustomize reads exists; probes hit the management port's health groups; the pod runs non-root on a read-only
 * root filesystem with every capability dropped; every file the configuration names is on a mounted volume; the
 * selectors of Service, PodDisruptionBudget and NetworkPolicy match the pods; the in-cluster configuration passes the
 * gateway's own key check and JSON Schema; the example policies load; every manifest reads strictly into Kubernetes'
 * own API types (fabric8's model), and every misspelt field of every manifest is refused.
 */
@SuppressWarnings("unchecked")
class KubernetesManifestsTest {

    static final Path K8S = Path.of("..").toAbsolutePath().normalize().resolve("docker/k8s");

    @TempDir
    Path mounted;

    static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    static Map<String, Object> map(Object o, String key) {
        return (Map<String, Object>) ((Map<String, Object>) o).get(key);
    }

    static List<Object> list(Object o, String key) {
        Object v = ((Map<String, Object>) o).get(key);
        return v == null ? List.of() : (List<Object>) v;
    }

    @Test
    void whatKustomizeReadsExists() throws IOException {
        for (Path kustomization : List.of(K8S.resolve("base/kustomization.yaml"),
                K8S.resolve("overlays/example/kustomization.yaml"))) {
            Map<String, Object> k = yaml(kustomization);
            Path dir = kustomization.getParent();
            for (Object r : list(k, "resources")) {
                assertThat(dir.resolve((String) r).normalize()).as("resource %s", r).exists();
            }
            for (Object g : list(k, "configMapGenerator")) {
                for (Object f : list(g, "files")) {
                    String file = ((String) f).contains("=") ? ((String) f).split("=", 2)[1] : (String) f;
                    assertThat(dir.resolve(file)).as("generated from %s", file).exists();
                }
            }
            for (Object p : list(k, "patches")) {
                assertThat(dir.resolve((String) ((Map<String, Object>) p).get("path"))).exists();
            }
        }
    }

    @Test
    void thePodIsLockedDownAndProbedOnTheManagementPort() throws IOException {
        Map<String, Object> deployment = yaml(K8S.resolve("base/deployment.yaml"));
        Map<String, Object> pod = map(map(deployment, "spec"), "template");
        Map<String, Object> podSpec = map(pod, "spec");
        assertThat(map(podSpec, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        assertThat(podSpec).containsEntry("automountServiceAccountToken", false);
        Map<String, Object> container = (Map<String, Object>) list(podSpec, "containers").get(0);
        Map<String, Object> security = map(container, "securityContext");
        assertThat(security).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation",
                false);
        assertThat(list(map(security, "capabilities"), "drop")).containsExactly("ALL");
        Map<String, Object> config = yaml(K8S.resolve("base/tollgate.yml"));
        int management = (Integer) map(map(config, "management"), "server").get("port");
        Map<String, Integer> ports = new HashMap<>();
        list(container, "ports").forEach(p -> ports.put((String) ((Map<String, Object>) p).get("name"),
                (Integer) ((Map<String, Object>) p).get("containerPort")));
        assertThat(ports).containsEntry("management", management).containsEntry("https",
                (Integer) map(config, "server").get("port"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container, probe), "httpGet");
            assertThat(get.get("port")).as(probe).isEqualTo("management");
            assertThat((String) get.get("path")).as(probe).startsWith("/actuator/health/");
        }
        assertThat(map(map(container, "readinessProbe"), "httpGet").get("path"))
                .isEqualTo("/actuator/health/readiness");
        // Writable places exist for what the gateway writes (a read-only root has none of its own).
        List<String> mounts = list(container, "volumeMounts").stream()
                .map(m -> (String) ((Map<String, Object>) m).get("mountPath")).toList();
        assertThat(mounts).contains("/tmp", "/opt/tollgate/logs");
        List<String> volumes = list(podSpec, "volumes").stream()
                .map(v -> (String) ((Map<String, Object>) v).get("name")).toList();
        assertThat(list(container, "volumeMounts")).allMatch(m -> volumes.contains(((Map<String, Object>) m)
                .get("name")));
    }

    @Test
    void everyFileTheConfigurationNamesIsOnAMountedVolume() throws IOException {
        Map<String, Object> pod = map(map(yaml(K8S.resolve("base/deployment.yaml")), "spec"), "template");
        Map<String, Object> container = (Map<String, Object>) list(map(pod, "spec"), "containers").get(0);
        List<String> mounts = list(container, "volumeMounts").stream()
                .map(m -> (String) ((Map<String, Object>) m).get("mountPath")).toList();
        String config = Files.readString(K8S.resolve("base/tollgate.yml"));
        List<String> paths = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m):\\s+(/[\\w./-]+)\\s*$").matcher(config);
        while (m.find()) {
            paths.add(m.group(1));
        }
        assertThat(paths).hasSizeGreaterThan(3);
        for (String path : paths) {
            assertThat(mounts).as("%s is on a volume", path).anyMatch(path::startsWith);
        }
        String env = list(container, "env").stream().filter(e -> "TOLLGATE_CONFIG_DIR".equals(
                ((Map<String, Object>) e).get("name"))).map(e -> (String) ((Map<String, Object>) e).get("value"))
                .findFirst().orElseThrow();
        assertThat(mounts).contains(env);
    }

    @Test
    void selectorsMatchThePods() throws IOException {
        Map<String, Object> template = map(map(yaml(K8S.resolve("base/deployment.yaml")), "spec"), "template");
        Map<String, Object> labels = map(map(template, "metadata"), "labels");
        assertThat(map(yaml(K8S.resolve("base/service.yaml")), "spec").get("selector"))
                .isInstanceOfSatisfying(Map.class, s -> assertThat(labels).containsAllEntriesOf(s));
        assertThat(map(map(yaml(K8S.resolve("base/pdb.yaml")), "spec"), "selector").get("matchLabels"))
                .isInstanceOfSatisfying(Map.class, s -> assertThat(labels).containsAllEntriesOf(s));
        Map<String, Object> network = map(yaml(K8S.resolve("base/networkpolicy.yaml")), "spec");
        assertThat(map(network, "podSelector").get("matchLabels"))
                .isInstanceOfSatisfying(Map.class, s -> assertThat(labels).containsAllEntriesOf(s));
        assertThat(list(network, "policyTypes")).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(map(map(yaml(K8S.resolve("base/hpa.yaml")), "spec"), "scaleTargetRef"))
                .containsEntry("kind", "Deployment").containsEntry("name", "tollgate");
    }

    @Test
    void theInClusterConfigurationPassesTheGatewaysOwnChecks() throws IOException {
        Path config = K8S.resolve("base/tollgate.yml");
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load(config.toString(), new FileSystemResource(config))
                .forEach(env.getPropertySources()::addFirst);
        assertThat(ConfigurationCheck.problems(env)).isEmpty();
        assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(ConfigurationSchema.generate(), InputFormat.JSON)
                .validate(Files.readString(config), InputFormat.YAML)).isEmpty();
    }

    @Test
    void theExamplePoliciesLoadAsTheVolumeLaysThemOut() throws IOException {
        Path overlay = K8S.resolve("overlays/example");
        Map<String, String> keys = new HashMap<>();
        for (Object g : list(yaml(overlay.resolve("kustomization.yaml")), "configMapGenerator")) {
            for (Object f : list(g, "files")) {
                String[] kv = ((String) f).split("=", 2);
                keys.put(kv[0], kv[1]);
            }
        }
        Map<String, Object> patch = yaml(overlay.resolve("policies-volume.yaml"));
        Map<String, Object> volume = (Map<String, Object>) list(map(map(map(patch, "spec"), "template"), "spec"),
                "volumes").get(0);
        for (Object item : list(map(volume, "configMap"), "items")) {
            Map<String, Object> i = (Map<String, Object>) item;
            Path target = mounted.resolve((String) i.get("path"));
            Files.createDirectories(target.getParent());
            Files.copy(overlay.resolve(keys.get((String) i.get("key"))), target);
        }
        assertThat(PolicyEngine.load(mounted, Clock.systemUTC()).tenants()).containsExactly("acme");
        try (Stream<Path> files = Files.list(mounted)) {
            assertThat(files).hasSize(1);
        }
    }

    /** The Kubernetes API type of each manifest kind we ship (apiVersion/kind as the cluster reads them). */
    private static final Map<String, Class<?>> TYPES = Map.of(
            "apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class,
            "v1/Service", io.fabric8.kubernetes.api.model.Service.class,
            "policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler",
            io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);

    /**
     * Kubernetes' own API types (fabric8's model, generated from the OpenAPI spec), read strictly: an unknown field at
     * any depth or a value of the wrong type fails, as {@code kubectl apply --validate=strict} would refuse it. The
     * model's catch-all for unknown fields is switched off, so nothing is silently kept aside.
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = com.fasterxml.jackson.databind.json
            .JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .annotationIntrospector(new com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(com.fasterxml.jackson.databind.introspect.Annotated a) {
                    return false;
                }
            }).build();

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("/policies/")
                    && !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        }
    }

    private static Class<?> type(Map<String, Object> manifest) {
        Class<?> type = TYPES.get(manifest.get("apiVersion") + "/" + manifest.get("kind"));
        assertThat(type).as("a known apiVersion/kind: %s/%s", manifest.get("apiVersion"), manifest.get("kind"))
                .isNotNull();
        return type;
    }

    @Test
    void everyManifestIsValidAsKubernetesApiTypes() throws IOException {
        List<Path> files = manifests();
        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        for (Path file : files) {
            Map<String, Object> manifest = yaml(file);
            org.assertj.core.api.Assertions.assertThatCode(() -> STRICT.convertValue(manifest, type(manifest)))
                    .as(file.toString()).doesNotThrowAnyException();
        }
    }

    /** Maps whose keys are the user's own (labels, data...): a "misspelling" there is just another key. */
    private static final java.util.Set<String> FREE_FORM = java.util.Set.of("labels", "annotations", "matchLabels",
            "data", "stringData", "nodeSelector", "requests", "limits");

    /**
     * The check is worth something only if it refuses mistakes: every field name of every manifest, misspelt by
     * dropping or doubling a letter, is refused (generated variants; free-form maps aside).
     */
    @Test
    void everyMisspeltFieldOfEveryManifestIsRefused() throws IOException {
        java.util.Random random = new java.util.Random(14);
        int refused = 0;
        for (Path file : manifests()) {
            Map<String, Object> manifest = yaml(file);
            Class<?> type = type(manifest);
            List<List<Object>> paths = new ArrayList<>();
            fieldPaths(manifest, new ArrayList<>(), paths, "Service".equals(manifest.get("kind")));
            for (List<Object> path : paths) {
                String key = (String) path.get(path.size() - 1);
                int at = random.nextInt(key.length());
                String wrong = random.nextBoolean() && key.length() > 1
                        ? key.substring(0, at) + key.substring(at + 1)
                        : key.substring(0, at) + key.charAt(at) + key.substring(at);
                Map<String, Object> copy = yaml(file);
                Object cursor = copy;
                for (Object step : path.subList(0, path.size() - 1)) {
                    cursor = step instanceof Integer i ? ((List<Object>) cursor).get(i)
                            : ((Map<String, Object>) cursor).get(step);
                }
                Map<String, Object> parent = (Map<String, Object>) cursor;
                parent.put(wrong, parent.remove(key));
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> STRICT.convertValue(copy, type)))
                        .as("%s: %s misspelt as %s", file.getFileName(), path, wrong)
                        .isInstanceOf(IllegalArgumentException.class);
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(100);
    }

    /** Paths (map keys and list indexes) to every field name that is the schema's, not the user's. */
    private static void fieldPaths(Object node, List<Object> at, List<List<Object>> out, boolean service) {
        if (node instanceof Map<?, ?> m) {
            Object parentKey = at.isEmpty() ? null : at.get(at.size() - 1);
            boolean free = parentKey instanceof String k && (FREE_FORM.contains(k)
                    || service && k.equals("selector") && at.size() == 2);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                List<Object> next = new ArrayList<>(at);
                next.add(e.getKey());
                if (!free) {
                    out.add(next);
                }
                fieldPaths(e.getValue(), next, out, service);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                List<Object> next = new ArrayList<>(at);
                next.add(i);
                fieldPaths(l.get(i), next, out, service);
            }
        }
    }
}
