package dev.tollgate.gateway.config;

import java.nio.file.Path;
import dev.tollgate.fallback.DependencySettings;
import dev.tollgate.gateway.token.IssuerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Global settings under {@code tollgate.*}. Per-route settings are the {@code Tollgate} filter's arguments.
 * Every setting is documented in {@code gateway/CONFIGURATION.md}.
 */
@ConfigurationProperties("tollgate")
public record TollgateProperties(Tls tls, List<TrustDomainSettings> trustDomains,
                                 Map<String, IssuerSettings> issuers, Policies policies,
                                 DecisionLogSettings decisionLog, Limits limits, Redis redis,
                                 DecisionCacheSettings decisionCache, RevocationSettings revocation,
                                 Dependencies dependencies, Admin admin) {

    public TollgateProperties {
        trustDomains = trustDomains == null ? List.of() : List.copyOf(trustDomains);
        issuers = issuers == null ? Map.of() : Map.copyOf(issuers);
        tls = tls == null ? new Tls(null, null, null, null) : tls;
        policies = policies == null ? new Policies(null, null) : policies;
        decisionLog = decisionLog == null ? new DecisionLogSettings(null, null) : decisionLog;
        limits = limits == null ? new Limits(null, null) : limits;
        redis = redis == null ? new Redis(null, null, null) : redis;
        decisionCache = decisionCache == null ? new DecisionCacheSettings(null, null) : decisionCache;
        revocation = revocation == null ? new RevocationSettings(null) : revocation;
        dependencies = dependencies == null ? new Dependencies(null, null) : dependencies;
        admin = admin == null ? new Admin(null, null, null, null) : admin;
    }

    /**
     * The HTTPS listener ({@code server.port}).
     *
     * @param certificate PEM certificate chain of the gateway
     * @param privateKey  PEM (PKCS#8) private key of the gateway
     * @param clientAuth  {@code need}: the handshake requires a client certificate; {@code want}: optional, routes
     *                    that require mTLS answer 401 without one
     * @param provider    {@code auto} (OpenSSL/BoringSSL when available, else the JDK), {@code openssl} or {@code jdk}
     */
    public record Tls(Path certificate, Path privateKey, ClientAuth clientAuth, String provider) {
        public Tls {
            clientAuth = clientAuth == null ? ClientAuth.NEED : clientAuth;
            provider = provider == null ? "auto" : provider;
        }
    }

    public enum ClientAuth { NEED, WANT }

    /**
     * One SPIFFE trust domain (an entry of {@code tollgate.trust-domains}).
     *
     * @param name       the trust domain, e.g. {@code acme.demo}
     * @param tenant     the tenant whose workloads this trust domain identifies
     * @param bundleFile PEM file of the trust domain's X.509 authorities
     */
    public record TrustDomainSettings(String name, String tenant, Path bundleFile) {
    }

    /**
     * @param directory where tenant policy documents live
     * @param watch     reload when files change (the last good revision stays if a change is invalid)
     */
    public record Policies(Path directory, Boolean watch) {
        public Policies {
            directory = directory == null ? Path.of("config/policies") : directory;
            watch = watch == null ? Boolean.TRUE : watch;
        }
    }

    /**
     * @param path     JSON-lines file, or {@code -} for standard output
     * @param capacity events buffered between request threads and the writer
     */
    public record DecisionLogSettings(String path, Integer capacity) {
        public DecisionLogSettings {
            path = path == null ? "logs/decisions.jsonl" : path;
            capacity = capacity == null ? 65_536 : capacity;
        }
    }

    /**
     * Bounds on what a client controls.
     *
     * @param maxTokenBytes largest {@code Authorization} credential accepted
     * @param maxProofBytes largest {@code DPoP} proof accepted
     */
    public record Limits(Integer maxTokenBytes, Integer maxProofBytes) {
        public Limits {
            maxTokenBytes = maxTokenBytes == null ? 8192 : maxTokenBytes;
            maxProofBytes = maxProofBytes == null ? 4096 : maxProofBytes;
        }
    }

    /**
     * Shared state (decision cache L2, revocations, DPoP replay store). Without {@code uri}, in-process stores are
     * used: fine for one instance, wrong for several.
     *
     * @param uri            {@code redis://host:port}, {@code rediss://...}, or a Sentinel URI
     *                       ({@code redis-sentinel://host:26379/0#mymaster})
     * @param keyPrefix      prefix of every key and channel Tollgate uses
     * @param commandTimeout Lettuce's command timeout (the dependency guard's time limit applies too)
     */
    public record Redis(String uri, String keyPrefix, Duration commandTimeout) {
        public Redis {
            keyPrefix = keyPrefix == null ? "tollgate:" : keyPrefix;
            commandTimeout = commandTimeout == null ? Duration.ofSeconds(1) : commandTimeout;
        }
    }

    /**
     * @param maxEntries in-process entries at most
     * @param ttl        longest a decision is reused (also bounded by the credential's expiry and the policy's time
     *                   windows)
     */
    public record DecisionCacheSettings(Long maxEntries, Duration ttl) {
        public DecisionCacheSettings {
            maxEntries = maxEntries == null ? 100_000L : maxEntries;
            ttl = ttl == null ? Duration.ofMinutes(5) : ttl;
        }
    }

    /** @param pollInterval how often each instance confirms its revocation view is current */
    public record RevocationSettings(Duration pollInterval) {
        public RevocationSettings {
            pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        }
    }

    /** Dependency guards: named templates and per-dependency instances (see fallback/FAILURE-MODES.md). */
    public record Dependencies(Map<String, DependencySettings> templates, Map<String, DependencySettings> instances) {
        public Dependencies {
            templates = templates == null ? Map.of() : templates;
            instances = instances == null ? Map.of() : instances;
        }
    }

    /**
     * The admin API (mTLS, its own port; the same server certificate as the API listener).
     *
     * @param tenant the tenant whose workloads may call it; its policy authorizes each named action
     */
    public record Admin(Boolean enabled, String address, Integer port, String tenant) {
        public Admin {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            address = address == null ? "127.0.0.1" : address;
            port = port == null ? 9444 : port;
            tenant = tenant == null ? "tollgate-admin" : tenant;
        }
    }

    static Duration orDefault(Duration d, Duration def) {
        return d == null ? def : d;
    }
}
