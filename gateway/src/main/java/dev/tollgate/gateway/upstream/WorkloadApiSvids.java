package dev.tollgate.gateway.upstream;

import io.spiffe.exception.SocketEndpointAddressException;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import io.spiffe.workloadapi.X509Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream SVID from the SPIFFE Workload API (a SPIRE agent's socket), through java-spiffe: the agent streams a
 * new X.509-SVID before the current one expires, and each is presented on the next new upstream connection. The
 * first SVID is awaited at start-up (a gateway that cannot get its identity does not start); afterwards a broken
 * stream keeps the current SVID and is watched again.
 */
public final class WorkloadApiSvids implements Watcher<X509Context>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkloadApiSvids.class);
    private static final Duration REWATCH = Duration.ofSeconds(5);

    private final String socket;
    private final WorkloadApiClient client;
    private final CompletableFuture<UpstreamIdentity> first = new CompletableFuture<>();
    private final ScheduledExecutorService rewatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-workload-api");
        t.setDaemon(true);
        return t;
    });

    private WorkloadApiSvids(String socket) {
        this.socket = socket;
        try {
            this.client = DefaultWorkloadApiClient.newClient(DefaultWorkloadApiClient.ClientOptions.builder()
                    .spiffeSocketPath(socket).build());
        } catch (SocketEndpointAddressException e) {
            throw new IllegalArgumentException("tollgate.upstream-tls.workload-api.socket: " + e.getMessage());
        }
    }

    /**
     * Connects to the agent at {@code socket} ({@code unix:/path} or {@code tcp://host:port}) and waits up to
     * {@code timeout} for the first SVID. Blocking: start-up only.
     */
    public static WorkloadApiSvids connect(String socket, Duration timeout) {
        WorkloadApiSvids svids = new WorkloadApiSvids(socket);
        svids.client.watchX509Context(svids);
        try {
            svids.first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return svids;
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            svids.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof ExecutionException ? e.getCause().getMessage() : "no SVID within " + timeout;
            throw new IllegalStateException("the SPIFFE Workload API at " + socket + " gave the gateway no X.509-SVID: "
                    + why);
        }
    }

    public UpstreamIdentity identity() {
        return first.join();
    }

    /** The agent's default SVID (the first it lists), on each update: a rotation or a new bundle. */
    @Override
    public void onUpdate(X509Context context) {
        try {
            X509Svid svid = context.getDefaultSvid();
            UpstreamSvid next = UpstreamSvid.of(svid.getChain(), svid.getPrivateKey());
            if (!first.isDone()) {
                first.complete(new UpstreamIdentity(next, "the Workload API at " + socket));
            } else {
                first.join().present(next);
            }
        } catch (RuntimeException e) {
            log.warn("Workload API update not used, keeping the current SVID: {}", e.getMessage());
        }
    }

    /** The stream ended for good (java-spiffe already retried what is retryable). */
    @Override
    public void onError(Throwable error) {
        if (!first.isDone()) {
            first.completeExceptionally(error);
            return;
        }
        if (rewatch.isShutdown()) {
            return; // closed: the stream ended because we ended it
        }
        log.warn("Workload API stream at {} failed, keeping the current SVID and watching again in {}: {}", socket,
                REWATCH, error.getMessage());
        rewatch.schedule(() -> client.watchX509Context(this), REWATCH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        rewatch.shutdownNow();
        try {
            client.close();
        } catch (java.io.IOException e) {
            log.debug("closing the Workload API client: {}", e.getMessage());
        }
    }
}
