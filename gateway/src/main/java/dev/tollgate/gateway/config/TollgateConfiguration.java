package dev.tollgate.gateway.config;

import dev.tollgate.fallback.DependencyRegistry;
import dev.tollgate.gateway.authz.DecisionCache;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.revocation.LocalRevocationStore;
import dev.tollgate.gateway.revocation.RedisRevocationStore;
import dev.tollgate.gateway.revocation.RevocationStore;
import org.springframework.beans.factory.ObjectProvider;
import dev.tollgate.gateway.admin.AdminServer;
import dev.tollgate.gateway.admin.AdminSettings;
import dev.tollgate.gateway.authn.Authenticator;
import dev.tollgate.gateway.ops.DecisionMetrics;
import dev.tollgate.gateway.ops.DependencyMetrics;
import dev.tollgate.gateway.ops.DependencyStateLog;
import dev.tollgate.gateway.ops.DependenciesHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tollgate.gateway.authn.WorkloadAuthenticator;
import dev.tollgate.gateway.authz.AuthorizationService;
import dev.tollgate.gateway.crypto.JwsVerifiers;
import dev.tollgate.gateway.crypto.SignatureProviders;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.dpop.DPoPNonces;
import dev.tollgate.gateway.dpop.DPoPProofVerifier;
import dev.tollgate.gateway.dpop.DPoPReplayGuard;
import dev.tollgate.gateway.dpop.DPoPSettings;
import dev.tollgate.gateway.dpop.LocalReplayStore;
import dev.tollgate.gateway.dpop.RedisReplayStore;
import dev.tollgate.gateway.dpop.ReplayStore;
import dev.tollgate.gateway.identity.BundleEndpoint;
import dev.tollgate.gateway.identity.BundleEndpointProfile;
import dev.tollgate.policy.SpiffeId;
import dev.tollgate.gateway.identity.LocalBundle;
import dev.tollgate.gateway.identity.SpiffeTrustManager;
import dev.tollgate.gateway.identity.TrustBundleSource;
import dev.tollgate.gateway.identity.TrustBundles;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.gateway.route.MalformedTargetRoute;
import dev.tollgate.gateway.route.PathRefusals;
import dev.tollgate.gateway.route.RequestPathFilter;
import dev.tollgate.gateway.route.RouteGuard;
import dev.tollgate.gateway.startup.FirstLoads;
import dev.tollgate.gateway.route.TollgateFilter;
import dev.tollgate.gateway.route.TollgateGatewayFilterFactory;
import dev.tollgate.gateway.route.UndecodableRequests;
import dev.tollgate.gateway.support.EndOfPass;
import dev.tollgate.gateway.support.EventLoopTimer;
import dev.tollgate.gateway.tls.TlsServerCustomizer;
import dev.tollgate.gateway.token.IssuerKeys;
import dev.tollgate.gateway.token.TokenVerifier;
import dev.tollgate.policy.PolicyEngine;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import reactor.netty.http.client.HttpClient;

/** Wires Tollgate's parts: trust, tokens, policy, the route filter and the TLS listener. */
@Configuration(proxyBeanMethods = false)
public class TollgateConfiguration {

    /** Refuses a configuration with unknown keys or unusable routes before any bean is built. */
    @Bean
    static StrictConfiguration strictConfiguration() {
        return new StrictConfiguration();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Remote trust material's first loads, run together once every bean exists (why: {@link FirstLoads}). */
    @Bean
    FirstLoads firstLoads() {
        return new FirstLoads(Duration.ofSeconds(10));
    }

    /** The trust domains, live: bundle endpoints refresh in the background and replace the snapshot. */
    @Bean(destroyMethod = "close")
    TrustBundles trustDomains(TollgateProperties properties, DependencyRegistry dependencies, Clock clock,
                              FirstLoads firstLoads) {
        TrustBundles bundles = new TrustBundles();
        properties.trustDomains().forEach(td -> {
            String name = td.name();
            if (name == null || (td.bundleFile() == null && td.bundleEndpoint() == null)) {
                throw new IllegalStateException("tollgate.trust-domains: each entry needs a name and a bundle-file,"
                        + " a bundle-endpoint, or both (" + name + ")");
            }
            if (td.bundleEndpoint() == null) {
                bundles.add(name, td.tenant(), new LocalBundle(td.bundleFile()));
            } else {
                BundleEndpointProfile profile = BundleEndpointProfile.parse(td.bundleEndpointProfile());
                HttpClient client = profile.client(remoteKeysClient(),
                        td.endpointSpiffeId() == null ? null : SpiffeId.workload(td.endpointSpiffeId()), bundles);
                BundleEndpoint endpoint = new BundleEndpoint(name, td.bundleEndpoint(),
                        td.bundleFile() == null ? null : new LocalBundle(td.bundleFile()).current(),
                        dependencies.dependency("bundle:" + name), client, td.refreshInterval(), clock,
                        bundles::rebuild);
                bundles.add(name, td.tenant(), endpoint);
                // First load before serving, like issuer keys; an endpoint that is down keeps being retried.
                firstLoads.add("bundle:" + name, endpoint.start());
            }
        });
        properties.trustDomains().stream().filter(td -> td.endpointSpiffeId() != null).forEach(td -> {
            String endpointDomain = SpiffeId.workload(td.endpointSpiffeId()).trustDomain();
            if (bundles.source(endpointDomain) == null) {
                throw new IllegalStateException("trust domain " + td.name() + ": endpoint-spiffe-id is in trust"
                        + " domain " + endpointDomain + ", which is not configured under tollgate.trust-domains");
            }
        });
        bundles.rebuild();
        return bundles;
    }

    /** For JWKS, discovery and bundle fetches; the dependency guard's time limit bounds each call as well. */
    private static HttpClient remoteKeysClient() {
        return HttpClient.create().option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .responseTimeout(Duration.ofSeconds(5));
    }

    @Bean
    TlsServerCustomizer tlsServerCustomizer(TollgateProperties properties, Supplier<TrustDomains> trustDomains) {
        return new TlsServerCustomizer(properties.tls(), new SpiffeTrustManager(trustDomains));
    }

    @Bean
    DependencyRegistry dependencyRegistry(TollgateProperties properties, MeterRegistry meters,
                                          LoopResources eventLoops) {
        DependencyMetrics metrics = new DependencyMetrics(meters);
        var instances = properties.dependencies().instances();
        TollgateProperties.Redis redis = properties.redis();
        if (redis.configured()) {
            // Lettuce does not time commands (RedisAccess): the guard's time limit is their one bound.
            instances = DependencyRegistry.capTimeLimit(properties.dependencies().templates(), instances, "redis",
                    redis.commandTimeout());
        }
        // Time limits of calls made while serving a request stay on the request's event loop (EventLoopTimer).
        DependencyRegistry registry = new DependencyRegistry(properties.dependencies().templates(), instances,
                dev.tollgate.fallback.DependencyListener.all(metrics, new DependencyStateLog()),
                new EventLoopTimer(eventLoops.onServer(true), Schedulers::parallel));
        metrics.attach(registry);
        return registry;
    }

    @Bean(destroyMethod = "")
    List<IssuerKeys> issuerKeys(TollgateProperties properties, DependencyRegistry dependencies,
                                TrustBundles trustBundles, FirstLoads firstLoads) {
        HttpClient http = remoteKeysClient();
        List<IssuerKeys> keys = new ArrayList<>();
        properties.issuers().forEach((name, settings) -> {
            TrustBundleSource bundle = null;
            if (settings.trustDomainKeys()) {
                bundle = trustBundles.source(settings.trustDomain());
                if (bundle == null) {
                    throw new IllegalStateException("issuer " + name + ": trust domain " + settings.trustDomain()
                            + " is not configured under tollgate.trust-domains");
                }
            }
            IssuerKeys k = new IssuerKeys(settings, dependencies.dependency("issuer:" + name), http, bundle);
            // First load before serving: a local key file that cannot be used stops the start (start() throws here);
            // a remote source that is down leaves the issuer without keys and readiness DOWN until it answers.
            firstLoads.add("issuer:" + name, k.start());
            keys.add(k);
        });
        return keys;
    }

    @Bean
    TokenVerifier tokenVerifier(TollgateProperties properties, List<IssuerKeys> issuerKeys, JwsVerifiers verifiers) {
        List<TokenVerifier.Issuer> issuers = new ArrayList<>();
        List<String> names = new ArrayList<>(properties.issuers().keySet());
        int i = 0;
        for (var entry : properties.issuers().entrySet()) {
            issuers.add(new TokenVerifier.Issuer(entry.getValue(), issuerKeys.get(i++)));
        }
        return new TokenVerifier(issuers, 100_000, verifiers);
    }

    @Bean
    JwsVerifiers jwsVerifiers(TollgateProperties properties) {
        SignatureProviders providers = SignatureProviders.select(properties.crypto().providers());
        org.slf4j.LoggerFactory.getLogger(JwsVerifiers.class).info("{}", providers);
        return new JwsVerifiers(providers, 10_000);
    }

    @Bean
    DPoPSettings dpopSettings(TollgateProperties properties) {
        TollgateProperties.Dpop d = properties.dpop();
        return new DPoPSettings(d.algorithms(), d.proofMaxAge(), d.clockSkew(), properties.limits().maxProofBytes(),
                d.maxJtiLength() == null ? 0 : d.maxJtiLength(), d.externalUri(), d.nonceSecret(), d.nonceLifetime(),
                d.localReplayCapacity() == null ? 0 : d.localReplayCapacity());
    }

    @Bean
    DPoPNonces dpopNonces(DPoPSettings settings, Clock clock) {
        return DPoPNonces.of(settings.nonceSecret(), settings.nonceLifetime(), clock);
    }

    @Bean
    DPoPReplayGuard dpopReplayGuard(DPoPSettings settings, ObjectProvider<RedisAccess> redis,
                                    DependencyRegistry dependencies, TollgateProperties properties, Clock clock) {
        RedisAccess access = redis.getIfAvailable();
        ReplayStore shared = access == null ? null
                : new RedisReplayStore(access, dependencies.dependency("redis"), properties.redis().keyPrefix(),
                        properties.redis().replicaAcks(), properties.redis().replicaAckTimeout());
        return new DPoPReplayGuard(shared, new LocalReplayStore(settings.localReplayCapacity(), clock), settings);
    }

    @Bean
    Authenticator authenticator(Supplier<TrustDomains> trustDomains, TokenVerifier tokens, Clock clock,
                                TollgateProperties properties, DPoPSettings dpop, JwsVerifiers verifiers,
                                DPoPNonces nonces, DPoPReplayGuard replays, LoopResources eventLoops) {
        return new WorkloadAuthenticator(trustDomains, tokens, clock, properties.limits().maxTokenBytes(),
                new DPoPProofVerifier(dpop, verifiers, nonces), replays, new EndOfPass(eventLoops.onServer(true)));
    }

    @Bean(destroyMethod = "close")
    PolicyEngine policyEngine(TollgateProperties properties, Clock clock, MeterRegistry meters) {
        PolicyEngine engine = PolicyEngine.load(properties.policies().directory(), clock);
        meters.gauge("tollgate.policy.reload.failures", engine, PolicyEngine::reloadFailures);
        if (properties.policies().watch()) {
            engine.watch();
        }
        return engine;
    }

    /**
     * Follows a signed policy bundle when {@code tollgate.policies.bundle.url} is set: the last good bundle on disk is
     * activated now (blocking, at start-up), then the URL is polled.
     */
    @Bean(destroyMethod = "")
    java.util.Optional<dev.tollgate.gateway.bundle.BundlePoller> bundlePoller(TollgateProperties properties,
                                                                             PolicyEngine engine, Clock clock,
                                                                             MeterRegistry meters,
                                                                             FirstLoads firstLoads) throws Exception {
        var settings = properties.policies().bundle();
        if (settings == null || settings.url() == null) {
            return java.util.Optional.empty();
        }
        Path cache = settings.cacheDirectory() != null ? settings.cacheDirectory()
                : properties.policies().directory().toAbsolutePath().getParent().resolve("bundles");
        java.nio.file.Files.createDirectories(cache);
        var poller = new dev.tollgate.gateway.bundle.BundlePoller(settings.url(),
                com.nimbusds.jose.jwk.JWKSet.load(settings.verificationKeys().toFile()), cache,
                dev.tollgate.gateway.bundle.BundlePoller.client(settings.caFile(), Duration.ofSeconds(10)), engine,
                clock, meters);
        poller.activateLastGood();
        // Polling (a remote call, then meters) starts once every bean exists; its first poll is not waited for.
        firstLoads.add("policy-bundle", reactor.core.publisher.Mono.fromRunnable(() ->
                reactor.core.publisher.Flux.interval(Duration.ZERO, settings.pollInterval())
                        .onBackpressureDrop()
                        .concatMap(t -> poller.poll())
                        .subscribe()));
        return java.util.Optional.of(poller);
    }

    @Bean(destroyMethod = "close")
    RedisAccess redisAccess(TollgateProperties properties, LoopResources eventLoops) {
        TollgateProperties.Redis redis = properties.redis();
        return !redis.configured() ? null
                : new RedisAccess(redis.uri(), redis.commandTimeout(), redis.reconnectMaxDelay(), eventLoops,
                        redis.tlsFiles());
    }

    @Bean(destroyMethod = "close")
    RevocationStore revocationStore(TollgateProperties properties, ObjectProvider<RedisAccess> redis,
                                    DependencyRegistry dependencies, Clock clock, FirstLoads firstLoads) {
        RedisAccess access = redis.getIfAvailable();
        if (access == null) {
            return new LocalRevocationStore();
        }
        RedisRevocationStore store = new RedisRevocationStore(access, dependencies.dependency("redis"), clock,
                properties.redis().keyPrefix(), properties.revocation().pollInterval(),
                dependencies.settings("redis").timeLimit(), properties.redis().replicaAcks(),
                properties.redis().replicaAckTimeout());
        // Connecting to Redis, too, waits until every bean exists: the shared connection starts here.
        firstLoads.add("revocations", store.startAndConfirm(Duration.ofSeconds(5)));
        return store;
    }

    @Bean
    DecisionCache decisionCache(TollgateProperties properties, ObjectProvider<RedisAccess> redis,
                                DependencyRegistry dependencies, Clock clock, RevocationStore revocations,
                                TokenVerifier tokens) {
        DecisionCache cache = new DecisionCache(properties.decisionCache().maxEntries(), redis.getIfAvailable(),
                dependencies.dependency("redis"), properties.redis().keyPrefix(), clock);
        // A revocation announced by any instance drops what this one holds (it is also checked before the cache).
        revocations.onChange(r -> {
            switch (r.kind()) {
                case PRINCIPAL -> cache.invalidatePrincipal(r.value());
                case TENANT_SUSPENDED, TENANT_OFFBOARDED -> cache.invalidateTenant(r.value());
                case TOKEN -> tokens.invalidate(r.value());
                default -> { }
            }
        });
        return cache;
    }

    /** Entity directories kept out of policy files ({@code directory: store}): shared in Redis, else in-process. */
    @Bean
    dev.tollgate.gateway.entities.EntityStore entityStore(TollgateProperties properties,
                                                          ObjectProvider<RedisAccess> redis,
                                                          DependencyRegistry dependencies,
                                                          RevocationStore revocations) {
        RedisAccess access = redis.getIfAvailable();
        var settings = properties.entities();
        // (The revocation store, a dependency here, starts the shared Redis connection once every bean exists.)
        return access == null ? new dev.tollgate.gateway.entities.LocalEntityStore(settings.maxEntries())
                : new dev.tollgate.gateway.entities.RedisEntityStore(access, dependencies.dependency("redis"),
                        properties.redis().keyPrefix(), settings.maxCached(), settings.cacheTtl());
    }

    @Bean
    AuthorizationService authorizationService(PolicyEngine engine, DecisionCache cache,
                                              RevocationStore revocations, TollgateProperties properties,
                                              Clock clock, dev.tollgate.gateway.entities.EntityStore entities) {
        AuthorizationService.Policies policies = new AuthorizationService.Policies() {
            @Override
            public dev.tollgate.policy.Decision authorize(dev.tollgate.policy.AccessRequest request) {
                return engine.authorize(request);
            }

            @Override
            public java.util.Optional<dev.tollgate.policy.Revision> revision(String tenant) {
                return engine.revision(tenant);
            }

            @Override
            public boolean servesDirectory(String tenant) {
                return engine.servedDirectory(tenant).isPresent();
            }
        };
        return new AuthorizationService(policies, cache, revocations, properties.decisionCache().ttl(), clock,
                entities);
    }

    @Bean
    TollgateGatewayFilterFactory tollgateGatewayFilterFactory(Authenticator authenticator,
                                                              AuthorizationService authorization,
                                                              DecisionLog decisionLog, Clock clock,
                                                              DecisionMetrics metrics, DPoPNonces nonces,
                                                              DPoPSettings dpop,
                                                              dev.tollgate.gateway.mcp.ProtectedResourceMetadata
                                                                      resourceMetadata,
                                                              dev.tollgate.gateway.txn.TransactionTokens txn,
                                                              dev.tollgate.gateway.ops.DecisionSpans spans,
                                                              dev.tollgate.gateway.upstream.UpstreamTls upstreamTls) {
        return new TollgateGatewayFilterFactory(
                new TollgateFilter.Collaborators(authenticator, authorization, decisionLog, clock, metrics, nonces,
                        txn, spans), resourceMetadata, dpop.algorithms(), upstreamTls);
    }

    /** The TLS clients of routes that pin their upstream's SPIFFE ID, presenting the gateway's own SVID. */
    @Bean
    dev.tollgate.gateway.upstream.UpstreamTls upstreamTls(TollgateProperties properties,
                                                          Supplier<TrustDomains> trustDomains) {
        var settings = properties.upstreamTls();
        if (settings.workloadApi() != null) {
            var svids = dev.tollgate.gateway.upstream.WorkloadApiSvids.connect(settings.workloadApi().socket(),
                    settings.workloadApi().timeout());
            return new dev.tollgate.gateway.upstream.UpstreamTls(svids.identity(), trustDomains).closing(svids);
        }
        if (settings.certificate() != null) {
            var files = new dev.tollgate.gateway.upstream.SvidFiles(settings.certificate(), settings.privateKey());
            long every = settings.reloadInterval().toMillis();
            var timer = reactor.core.scheduler.Schedulers.boundedElastic().schedulePeriodically(files::reload, every,
                    every, java.util.concurrent.TimeUnit.MILLISECONDS);
            return new dev.tollgate.gateway.upstream.UpstreamTls(files.identity(), trustDomains)
                    .closing(timer::dispose);
        }
        return new dev.tollgate.gateway.upstream.UpstreamTls(null, trustDomains);
    }

    /** The proxied request's headers: forged identity headers out, the verified identity in. */
    @Bean
    dev.tollgate.gateway.forward.ForwardedHeaders forwardedHeaders() {
        return new dev.tollgate.gateway.forward.ForwardedHeaders();
    }

    /** SCG's routing filter with the pinned-upstream TLS clients; it routes first, SCG's own then stands aside. */
    @Bean
    dev.tollgate.gateway.upstream.UpstreamRoutingFilter upstreamRoutingFilter(
            reactor.netty.http.client.HttpClient httpClient,
            ObjectProvider<List<org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter>> headersFilters,
            org.springframework.cloud.gateway.config.HttpClientProperties httpClientProperties,
            dev.tollgate.gateway.upstream.UpstreamTls upstreamTls) {
        return new dev.tollgate.gateway.upstream.UpstreamRoutingFilter(httpClient, headersFilters,
                httpClientProperties, upstreamTls);
    }

    /** Spans per decision phase; inert unless {@code management.tracing.enabled} made a tracer. */
    @Bean
    dev.tollgate.gateway.ops.DecisionSpans decisionSpans(ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
        return new dev.tollgate.gateway.ops.DecisionSpans(tracer.getIfAvailable());
    }

    /** The gateway's transaction-token keys; rotated on a timer, never on a request. */
    @Bean(destroyMethod = "")
    dev.tollgate.gateway.txn.TransactionTokenKeys transactionTokenKeys(TollgateProperties properties, Clock clock) {
        var settings = properties.transactionTokens();
        var keys = new dev.tollgate.gateway.txn.TransactionTokenKeys(clock, settings.keyRotation(),
                dev.tollgate.gateway.crypto.SignatureProviders.select(properties.crypto().providers())
                        .forJca("SHA256withECDSA"));
        long every = Math.max(1, settings.keyRotation().toSeconds() / 10);
        reactor.core.scheduler.Schedulers.boundedElastic().schedulePeriodically(keys::rotateIfDue, every, every,
                java.util.concurrent.TimeUnit.SECONDS);
        return keys;
    }

    @Bean
    dev.tollgate.gateway.txn.TransactionTokens transactionTokens(TollgateProperties properties,
                                                                dev.tollgate.gateway.txn.TransactionTokenKeys keys,
                                                                Clock clock) {
        var settings = properties.transactionTokens();
        return new dev.tollgate.gateway.txn.TransactionTokens(keys, settings.issuer(), settings.audience(),
                settings.lifetime(), clock);
    }

    /** Small declared-length bodies reach the client in one write with their headers (see SmallBodyResponse). */
    @Bean
    org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer smallBodiesInOneWrite() {
        return builder -> builder.httpHandlerDecorator(dev.tollgate.gateway.forward.SmallBodyResponse.onEveryResponse());
    }

    /** RFC 9728 documents of the MCP routes, filled as routes are built. */
    @Bean
    dev.tollgate.gateway.mcp.ProtectedResourceMetadata protectedResourceMetadata() {
        return new dev.tollgate.gateway.mcp.ProtectedResourceMetadata();
    }

    /** Serves them at {@code /.well-known/oauth-protected-resource/...} on the gateway's listener. */
    @Bean
    dev.tollgate.gateway.mcp.ProtectedResourceMetadataMapping protectedResourceMetadataMapping(
            dev.tollgate.gateway.mcp.ProtectedResourceMetadata resourceMetadata) {
        return new dev.tollgate.gateway.mcp.ProtectedResourceMetadataMapping(resourceMetadata);
    }

    /**
     * Cache hit ratios (verified tokens, in-process decisions), the revocation view's age and the policy revisions in
     * force, for {@code /actuator/prometheus}.
     */
    @Bean
    io.micrometer.core.instrument.binder.MeterBinder tollgateStateMeters(TokenVerifier tokens, DecisionCache decisions,
                                                                        RevocationStore revocations,
                                                                        PolicyEngine engine) {
        return registry -> {
            io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(registry, tokens.cache(),
                    "tollgate.tokens");
            if (decisions != null) {
                io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(registry,
                        decisions.localCache(), "tollgate.decisions.l1");
            }
            io.micrometer.core.instrument.Gauge.builder("tollgate.revocations.stale", revocations,
                            r -> r.check(null, null, null, null, null).staleMillis())
                    .baseUnit("milliseconds")
                    .description("How long the revocation view has not been confirmed current (0: current)")
                    .register(registry);
            io.micrometer.core.instrument.Gauge.builder("tollgate.policy.tenants", engine, e -> e.tenants().size())
                    .description("Tenants with a loaded policy set").register(registry);
            // The revision in force per tenant, as a tag (value 1), replaced on every applied reload: what a fleet
            // dashboard compares across instances.
            io.micrometer.core.instrument.MultiGauge revisions = io.micrometer.core.instrument.MultiGauge
                    .builder("tollgate.policy.revision")
                    .description("The policy revision in force per tenant (the revision is the tag; value 1)")
                    .register(registry);
            Runnable refresh = () -> revisions.register(engine.revisions().entrySet().stream()
                    .map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(io.micrometer.core.instrument.Tags.of(
                            "tenant", e.getKey(), "revision", e.getValue().toString()), 1))
                    .toList(), true);
            refresh.run();
            engine.onReload(outcome -> refresh.run());
        };
    }

    @Bean
    DecisionMetrics decisionMetrics(MeterRegistry meters) {
        return new DecisionMetrics(meters);
    }

    @Bean
    AdminServer adminServer(TollgateProperties properties, Supplier<TrustDomains> trustDomains,
                            PolicyEngine engine, RevocationStore revocations, DecisionLog decisionLog, Clock clock,
                            dev.tollgate.gateway.txn.TransactionTokenKeys transactionTokenKeys,
                            dev.tollgate.gateway.entities.EntityStore entities,
                            dev.tollgate.gateway.authz.ShadowPolicy shadow,
                            dev.tollgate.gateway.ops.FleetRegistry fleet) {
        TollgateProperties.Admin admin = properties.admin();
        AdminServer server = new AdminServer(new AdminSettings(admin.enabled(), admin.address(), admin.port(), admin.tenant(),
                properties.tls().certificate(), properties.tls().privateKey(), admin.authzen().bindings()),
                new SpiffeTrustManager(trustDomains),
                trustDomains, engine::authorize, () -> {
                    var outcome = engine.reload();
                    return outcome.applied() ? null : outcome.error().getMessage();
                }, revocations, decisionLog, clock, transactionTokenKeys::jwks,
                new dev.tollgate.gateway.entities.EntityDirectories(entities, engine::servedDirectory));
        server.policyRevisions(new dev.tollgate.gateway.admin.PolicyRevisions(engine, shadow));
        server.fleet(fleet);
        return server;
    }

    /**
     * This instance's active revisions, reported to the fleet registry in Redis every 5 s ({@code GET /fleet} on the
     * admin API; a metric per tenant revision).
     */
    @Bean(destroyMethod = "")
    dev.tollgate.gateway.ops.FleetRegistry fleetRegistry(PolicyEngine engine, ObjectProvider<RedisAccess> redis,
                                                         TollgateProperties properties,
                                                         Clock clock,
                                                         java.util.Optional<dev.tollgate.gateway.bundle.BundlePoller>
                                                                 bundle) {
        String id = System.getenv().getOrDefault("HOSTNAME", "tollgate") + "-" + Long.toHexString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
        Duration interval = Duration.ofSeconds(5);
        var fleet = new dev.tollgate.gateway.ops.FleetRegistry(id, () -> {
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            engine.revisions().forEach((t, r) -> out.put(t, r.toString()));
            return out;
        }, () -> bundle.map(b -> b.status().digest()).orElse(null), redis.getIfAvailable(),
                properties.redis().keyPrefix(), interval, clock);
        reactor.core.publisher.Flux.interval(Duration.ZERO, interval).onBackpressureDrop()
                .concatMap(t -> fleet.report().onErrorResume(e -> reactor.core.publisher.Mono.empty()))
                .subscribe();
        return fleet;
    }

    /**
     * A candidate policy shadowing the active one (admin API {@code /policies/shadow}): each disagreement is a
     * decision-log line ({@code reason: shadow.would-deny | shadow.would-allow}) and a count.
     */
    @Bean
    dev.tollgate.gateway.authz.ShadowPolicy shadowPolicy(Clock clock, DecisionLog decisionLog, MeterRegistry meters,
                                                         AuthorizationService authorization) {
        var shadow = new dev.tollgate.gateway.authz.ShadowPolicy(clock, (request, route, active, candidate) -> {
            String effect = candidate.allowed() ? "ALLOW" : "DENY";
            meters.counter("tollgate.shadow.disagreements", "tenant", request.tenant(), "candidate", effect)
                    .increment();
            var p = request.principal();
            decisionLog.record(dev.tollgate.gateway.decisionlog.DecisionEvent.of(
                            dev.tollgate.gateway.decisionlog.DecisionIds.next(), clock.instant())
                    .outcome(effect, null, candidate.allowed() ? "shadow.would-allow" : "shadow.would-deny")
                    .route(route).tenant(request.tenant()).principal(p.id(), p.trustDomain())
                    .request(request.action(), request.resource())
                    .decidedBy(candidate.decidingRules(),
                            candidate.revision() == null ? null : candidate.revision().toString())
                    .errors(List.of("active: " + (active.allowed() ? "ALLOW" : "DENY") + " by "
                            + active.decidingRules() + " at revision " + active.revision()))
                    .build());
        });
        authorization.shadowWith(shadow);
        return shadow;
    }

    @Bean
    DependenciesHealthIndicator tollgateHealthIndicator(DependencyRegistry dependencies,
                                                        RevocationStore revocations, List<IssuerKeys> issuerKeys,
                                                        DecisionLog decisionLog) {
        return new DependenciesHealthIndicator(dependencies, revocations, issuerKeys, decisionLog);
    }

    @Bean
    RouteGuard routeGuard(DecisionLog decisionLog, DecisionMetrics metrics, Clock clock) {
        return new RouteGuard(decisionLog, metrics, clock);
    }

    @Bean
    PathRefusals pathRefusals(DecisionLog decisionLog, DecisionMetrics metrics, Clock clock) {
        return new PathRefusals(decisionLog, metrics, clock);
    }

    @Bean
    RequestPathFilter requestPathFilter(TollgateProperties properties, PathRefusals refusals) {
        return new RequestPathFilter(properties.limits().allowEncodedSlashes(), refusals);
    }

    @Bean
    MalformedTargetRoute malformedTargetRoute(PathRefusals refusals) {
        return new MalformedTargetRoute(refusals);
    }

    @Bean
    UndecodableRequests undecodableRequests(PathRefusals refusals) {
        return new UndecodableRequests(refusals);
    }
}
