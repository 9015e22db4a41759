package dev.tollgate.gateway.startup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import reactor.core.publisher.Mono;

/**
 * The first loads of remote state (bundle endpoints, issuer JWKS, the revocation list with the Redis connection), all at
 * once, before the listeners open.
 * <p>
 * They run once every singleton exists, not inside the bean methods that build their sources. A bean method holds
 * Spring's singleton lock; had it waited there for an event loop, an event loop reaching for a bean not yet created
 * (the Prometheus exemplar sampler looks up the tracer on the first counter increment) would wait for that lock in
 * turn: a blocked event loop, and a start that hangs until the wait gives up. Run here, the sources also load side by
 * side instead of one after another.
 * <p>
 * A source that does not answer in time does not stop the start: it keeps retrying in the background and readiness
 * says which one is missing.
 */
public final class FirstLoads implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FirstLoads.class);

    private final Duration limit;
    private final List<Mono<Void>> loads = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private boolean done;

    public FirstLoads(Duration limit) {
        this.limit = limit;
    }

    /**
     * A cold first load, subscribed once every singleton exists; its failure is the source's own to report. A source
     * made later (a lazy bean) is loaded at once, without waiting for it.
     */
    public synchronized void add(String name, Mono<Void> load) {
        Mono<Void> quiet = load.onErrorResume(e -> Mono.empty());
        if (done) {
            quiet.subscribe();
            return;
        }
        names.add(name);
        loads.add(quiet);
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<Mono<Void>> pending;
        List<String> names;
        synchronized (this) {
            done = true;
            pending = List.copyOf(loads);
            names = List.copyOf(this.names);
            loads.clear();
            this.names.clear();
        }
        if (pending.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        Mono.when(pending).timeout(limit)
                .doOnError(e -> log.warn("first loads of {} not all done within {}: starting, they keep retrying",
                        names, limit))
                .onErrorResume(e -> Mono.empty())
                .block();
        log.debug("first loads of {} took {} ms", names, (System.nanoTime() - start) / 1_000_000);
    }
}
