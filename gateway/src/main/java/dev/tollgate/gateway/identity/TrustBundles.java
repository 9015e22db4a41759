package dev.tollgate.gateway.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The live set of trust domains: each one's tenant and bundle source. Whenever a bundle endpoint delivers a new
 * bundle, a new {@link TrustDomains} snapshot replaces the old one, so the TLS trust manager (which reads the supplier
 * on every handshake) applies it to new connections without a restart.
 */
public final class TrustBundles implements Supplier<TrustDomains>, AutoCloseable {

    private final Map<String, String> tenants = new LinkedHashMap<>();
    private final Map<String, TrustBundleSource> sources = new LinkedHashMap<>();
    private final AtomicReference<TrustDomains> snapshot = new AtomicReference<>(new TrustDomains(Map.of()));

    /** Adds a trust domain; call {@link #rebuild} when all are added. */
    public synchronized void add(String name, String tenant, TrustBundleSource source) {
        if (sources.putIfAbsent(name, source) != null) {
            throw new IllegalArgumentException("trust domain " + name + " is configured twice");
        }
        tenants.put(name, tenant);
    }

    public TrustBundleSource source(String trustDomain) {
        return sources.get(trustDomain);
    }

    /** Rebuilds the snapshot from every source's current bundle. */
    public synchronized void rebuild() {
        Map<String, TrustDomains.TrustDomain> domains = new LinkedHashMap<>();
        sources.forEach((name, source) -> domains.put(name, new TrustDomains.TrustDomain(name, tenants.get(name),
                source.current().x509Authorities())));
        snapshot.set(new TrustDomains(domains));
    }

    @Override
    public TrustDomains get() {
        return snapshot.get();
    }

    @Override
    public void close() {
        sources.values().forEach(TrustBundleSource::close);
    }
}
