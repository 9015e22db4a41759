package dev.tollgate.gateway.ops;

import dev.tollgate.gateway.redis.RedisAccess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which instance runs which policy revision: each instance reports its active revisions (and bundle) to a Redis hash,
 * {@code <prefix>{fleet}}, every {@code interval}; {@link #view} lists the instances heard from within three intervals
 * and whether they all run the same revisions. Without Redis the fleet is this instance.
 */
public final class FleetRegistry {

    private static final JsonMapper json = JsonMapper.builder().build();

    static {
        json.readTree("{\"a\":{\"b\":\"c\"}}"); // build deserializers here, not on an event loop
    }

    /** One instance's report. */
    public record Instance(String id, Map<String, String> revisions, String bundle, Instant reported) {
    }

    /** The fleet as seen now. */
    public record View(List<Instance> instances, boolean converged) {
    }

    private final String id;
    private final Supplier<Map<String, String>> revisions;
    private final Supplier<String> bundle;
    private final RedisAccess redis;
    private final String key;
    private final Duration interval;
    private final Clock clock;

    /** @param redis {@code null}: a fleet of one */
    public FleetRegistry(String id, Supplier<Map<String, String>> revisions, Supplier<String> bundle,
                         RedisAccess redis, String keyPrefix, Duration interval, Clock clock) {
        this.id = id;
        this.revisions = revisions;
        this.bundle = bundle;
        this.redis = redis;
        this.key = keyPrefix + "{fleet}";
        this.interval = interval;
        this.clock = clock;
    }

    public String id() {
        return id;
    }

    private Instance self() {
        return new Instance(id, new TreeMap<>(revisions.get()), bundle.get(), clock.instant());
    }

    /** Reports this instance (a failure is only logged by the caller's loop: the next report retries). */
    public Mono<Void> report() {
        if (redis == null || !redis.connected()) {
            return Mono.empty(); // the next report, once Redis is back
        }
        Instance me = self();
        ObjectNode n = json.createObjectNode();
        var r = n.putObject("revisions");
        me.revisions().forEach(r::put);
        if (me.bundle() != null) {
            n.put("bundle", me.bundle());
        }
        n.put("reported", me.reported().toEpochMilli());
        // Not through the redis dependency's guard: a report is never worth opening the breaker revocations need.
        return redis.reactive().flatMap(c -> c.hset(key, id, n.toString())).timeout(interval).then();
    }

    /** Every instance heard from within three intervals (this one always), and whether they agree. */
    public Mono<View> view() {
        if (redis == null) {
            return Mono.just(view(List.of(self())));
        }
        Instant fresh = clock.instant().minus(interval.multipliedBy(3));
        return redis.reactive().flatMap(c -> c.hgetall(key).collectList()).timeout(interval)
                .map(entries -> {
                    List<Instance> out = new ArrayList<>();
                    List<String> stale = new ArrayList<>();
                    for (var kv : entries) {
                        Instance i = parse(kv.getKey(), kv.getValue());
                        if (i == null || i.reported().isBefore(fresh)) {
                            stale.add(kv.getKey());
                        } else if (!i.id().equals(id)) {
                            out.add(i);
                        }
                    }
                    if (!stale.isEmpty()) {
                        redis.reactive().flatMap(c -> c.hdel(key, stale.toArray(String[]::new))).timeout(interval)
                                .subscribe(n -> { },
                                e -> { });
                    }
                    out.add(self());
                    out.sort(java.util.Comparator.comparing(Instance::id));
                    return view(out);
                });
    }

    private static View view(List<Instance> instances) {
        boolean converged = instances.stream().map(Instance::revisions).distinct().count() <= 1;
        return new View(List.copyOf(instances), converged);
    }

    private static Instance parse(String id, String value) {
        try {
            JsonNode n = json.readTree(value);
            Map<String, String> revisions = new TreeMap<>();
            n.path("revisions").properties().forEach(e -> revisions.put(e.getKey(), e.getValue().asString()));
            return new Instance(id, revisions, n.path("bundle").isString() ? n.path("bundle").asString() : null,
                    Instant.ofEpochMilli(n.path("reported").asLong()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The JSON the admin API answers. */
    public static String toJson(View view) {
        ObjectNode out = json.createObjectNode();
        out.put("converged", view.converged());
        var list = out.putArray("instances");
        for (Instance i : view.instances()) {
            ObjectNode n = list.addObject();
            n.put("id", i.id());
            var r = n.putObject("revisions");
            i.revisions().forEach(r::put);
            if (i.bundle() != null) {
                n.put("bundle", i.bundle());
            }
            n.put("reported", i.reported().toString());
        }
        return out.toString();
    }
}
