package dev.tollgate.gateway.revocation;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/** The in-process store, for a single instance without Redis: always current, gone at restart. */
public final class LocalRevocationStore implements RevocationStore {

    private final Map<String, Revocation> view = new ConcurrentHashMap<>();
    private final List<Consumer<Revocation>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Mono<Void> revoke(Revocation revocation) {
        return Mono.fromRunnable(() -> {
            view.put(revocation.key(), revocation);
            listeners.forEach(l -> l.accept(revocation));
        });
    }

    @Override
    public Mono<Void> lift(RevocationKind kind, String value) {
        return Mono.fromRunnable(() -> view.remove(Revocation.key(kind, value)));
    }

    @Override
    public Collection<Revocation> list() {
        return List.copyOf(view.values());
    }

    @Override
    public RevocationCheck check(String principal, String tenant, String tokenId, String jti, String jkt) {
        return RevocationStore.check(view, 0, principal, tenant, tokenId, jti, jkt);
    }

    @Override
    public void onChange(Consumer<Revocation> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
    }
}
