package dev.tollgate.gateway.config;

import dev.tollgate.fallback.DependencyListener;
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
import dev.tollgate.gateway.ops.DependenciesHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tollgate.gateway.authn.WorkloadAuthenticator;
import dev.tollgate.gateway.authz.AuthorizationService;
import dev.tollgate.gateway.decisionlog.DecisionLog;
import dev.tollgate.gateway.identity.SpiffeTrustManager;
import dev.tollgate.gateway.identity.TrustDomains;
import dev.tollgate.gateway.route.RouteGuard;
import dev.tollgate.gateway.route.TollgateFilter;
import dev.tollgate.gateway.route.TollgateGatewayFilterFactory;
import dev.tollgate.gateway.tls.TlsServerCustomizer;
import dev.tollgate.gateway.token.IssuerKeys;
import dev.tollgate.gateway.token.TokenVerifier;
import dev.tollgate.policy.PolicyEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** Wires Tollgate's parts: trust, tokens, policy, the route filter and the TLS listener. */
@Configuration(proxyBeanMethods = false)
public class TollgateConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Supplier<TrustDomains> trustDomains(TollgateProperties properties) {
        Map<String, String> tenants = new HashMap<>();
        Map<String, java.nio.file.Path> bundles = new HashMap<>();
        properties.trustDomains().forEach(td -> {
            String name = td.name();
            if (name == null || td.bundleFile() == null) {
                throw new IllegalStateException("tollgate.trust-domains: each entry needs a name and a bundle-file ("
                        + name + ")");
            }
            tenants.put(name, td.tenant());
            bundles.put(name, td.bundleFile());
        });
        TrustDomains domains = TrustDomains.fromBundles(tenants, bundles);
        return () -> domains;
    }

    @Bean
    TlsServerCustomizer tlsServerCustomizer(TollgateProperties properties, Supplier<TrustDomains> trustDomains) {
        return new TlsServerCustomizer(properties.tls(), new SpiffeTrustManager(trustDomains));
    }

    @Bean
    DependencyRegistry dependencyRegistry(TollgateProperties properties) {
        return new DependencyRegistry(properties.dependencies().templates(), properties.dependencies().instances(),
                DependencyListener.NONE);
    }

    @Bean(destroyMethod = "")
    List<IssuerKeys> issuerKeys(TollgateProperties properties, DependencyRegistry dependencies) {
        HttpClient http = HttpClient.create().responseTimeout(Duration.ofSeconds(5));
        List<IssuerKeys> keys = new ArrayList<>();
        properties.issuers().forEach((name, settings) -> {
            IssuerKeys k = new IssuerKeys(settings, dependencies.dependency("issuer:" + name), http);
            // First load before serving: a gateway that cannot verify tokens yet must not accept traffic.
            k.start().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
            keys.add(k);
        });
        return keys;
    }

    @Bean
    TokenVerifier tokenVerifier(TollgateProperties properties, List<IssuerKeys> issuerKeys) {
        List<TokenVerifier.Issuer> issuers = new ArrayList<>();
        List<String> names = new ArrayList<>(properties.issuers().keySet());
        int i = 0;
        for (var entry : properties.issuers().entrySet()) {
            issuers.add(new TokenVerifier.Issuer(entry.getValue(), issuerKeys.get(i++)));
        }
        return new TokenVerifier(issuers, 100_000);
    }

    @Bean
    Authenticator authenticator(Supplier<TrustDomains> trustDomains, TokenVerifier tokens, Clock clock,
                                TollgateProperties properties) {
        return new WorkloadAuthenticator(trustDomains, tokens, clock, properties.limits().maxTokenBytes());
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

    @Bean(destroyMethod = "close")
    RedisAccess redisAccess(TollgateProperties properties) {
        TollgateProperties.Redis redis = properties.redis();
        return redis.uri() == null || redis.uri().isBlank() ? null
                : new RedisAccess(redis.uri(), redis.commandTimeout());
    }

    @Bean(destroyMethod = "close")
    RevocationStore revocationStore(TollgateProperties properties, ObjectProvider<RedisAccess> redis,
                                    DependencyRegistry dependencies, Clock clock) {
        RedisAccess access = redis.getIfAvailable();
        if (access == null) {
            return new LocalRevocationStore();
        }
        RedisRevocationStore store = new RedisRevocationStore(access, dependencies.dependency("redis"), clock,
                properties.redis().keyPrefix(), properties.revocation().pollInterval());
        store.start();
        store.awaitCurrent(Duration.ofSeconds(5));
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

    @Bean
    AuthorizationService authorizationService(PolicyEngine engine, DecisionCache cache,
                                              RevocationStore revocations, TollgateProperties properties,
                                              Clock clock) {
        AuthorizationService.Policies policies = new AuthorizationService.Policies() {
            @Override
            public dev.tollgate.policy.Decision authorize(dev.tollgate.policy.AccessRequest request) {
                return engine.authorize(request);
            }

            @Override
            public java.util.Optional<dev.tollgate.policy.Revision> revision(String tenant) {
                return engine.revision(tenant);
            }
        };
        return new AuthorizationService(policies, cache, revocations, properties.decisionCache().ttl(), clock);
    }

    @Bean
    TollgateGatewayFilterFactory tollgateGatewayFilterFactory(Authenticator authenticator,
                                                              AuthorizationService authorization,
                                                              DecisionLog decisionLog, Clock clock,
                                                              MeterRegistry meters) {
        return new TollgateGatewayFilterFactory(
                new TollgateFilter.Collaborators(authenticator, authorization, decisionLog, clock,
                        new DecisionMetrics(meters)));
    }

    @Bean
    AdminServer adminServer(TollgateProperties properties, Supplier<TrustDomains> trustDomains,
                            PolicyEngine engine, RevocationStore revocations, DecisionLog decisionLog, Clock clock) {
        TollgateProperties.Admin admin = properties.admin();
        return new AdminServer(new AdminSettings(admin.enabled(), admin.address(), admin.port(), admin.tenant(),
                properties.tls().certificate(), properties.tls().privateKey()), new SpiffeTrustManager(trustDomains),
                trustDomains, engine::authorize, () -> {
                    var outcome = engine.reload();
                    return outcome.applied() ? null : outcome.error().getMessage();
                }, revocations, decisionLog, clock);
    }

    @Bean
    DependenciesHealthIndicator tollgateHealthIndicator(DependencyRegistry dependencies,
                                                        RevocationStore revocations) {
        return new DependenciesHealthIndicator(dependencies, revocations);
    }

    @Bean
    RouteGuard routeGuard() {
        return new RouteGuard();
    }
}
