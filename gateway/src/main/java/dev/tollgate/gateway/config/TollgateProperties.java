package dev.tollgate.gateway.config;

import java.nio.file.Path;
import dev.tollgate.fallback.DependencySettings;
import dev.tollgate.gateway.redis.RedisAccess;
import dev.tollgate.gateway.identity.BundleEndpointProfile;
import dev.tollgate.policy.SpiffeId;
import dev.tollgate.gateway.decisionlog.DecisionLog;
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
                                 Dependencies dependencies, Admin admin, Dpop dpop, Crypto crypto,
                                 TransactionTokenSettings transactionTokens, EntitySettings entities,
                                 UpstreamTlsSettings upstreamTls) {

    public TollgateProperties {
        trustDomains = trustDomains == null ? List.of() : List.copyOf(trustDomains);
        issuers = issuers == null ? Map.of() : Map.copyOf(issuers);
        tls = tls == null ? new Tls(null, null, null, null) : tls;
        policies = policies == null ? new Policies(null, null, null) : policies;
        decisionLog = decisionLog == null ? new DecisionLogSettings(null, null, null, null, null, null) : decisionLog;
        limits = limits == null ? new Limits(null, null, null) : limits;
        redis = redis == null ? new Redis(null, null, null, null, null, null, null) : redis;
        decisionCache = decisionCache == null ? new DecisionCacheSettings(null, null) : decisionCache;
        revocation = revocation == null ? new RevocationSettings(null) : revocation;
        dependencies = dependencies == null ? new Dependencies(null, null) : dependencies;
        admin = admin == null ? new Admin(null, null, null, null, null) : admin;
        dpop = dpop == null ? new Dpop(null, null, null, null, null, null, null, null) : dpop;
        crypto = crypto == null ? new Crypto(null) : crypto;
        transactionTokens = transactionTokens == null ? new TransactionTokenSettings(null, null, null, null)
                : transactionTokens;
        entities = entities == null ? new EntitySettings(null, null, null) : entities;
        upstreamTls = upstreamTls == null ? new UpstreamTlsSettings(null, null, null, null) : upstreamTls;
    }

    /**
     * The gateway's own X.509-SVID, presented to upstreams of routes that pin their SPIFFE ID
     * ({@code upstream: {spiffe-id: ...}}).
     *
     * @param certificate    PEM certificate chain (the SVID first)
     * @param privateKey     PEM (PKCS#8) private key
     * @param reloadInterval how often the files are re-read (default 10s); a rotated SVID is presented on the next new
     *                       connection
     * @param workloadApi    instead of files: the SVID from the SPIFFE Workload API, rotated as the agent streams it
     */
    public record UpstreamTlsSettings(Path certificate, Path privateKey, Duration reloadInterval,
                                      WorkloadApi workloadApi) {
        public UpstreamTlsSettings {
            reloadInterval = reloadInterval == null ? Duration.ofSeconds(10) : reloadInterval;
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("tollgate.upstream-tls needs both certificate and private-key");
            }
            if (certificate != null && workloadApi != null) {
                throw new IllegalArgumentException("tollgate.upstream-tls: the SVID comes from files (certificate,"
                        + " private-key) or from the workload-api, not both");
            }
            if (reloadInterval.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("tollgate.upstream-tls.reload-interval must be at least 100ms");
            }
        }
    }

    /**
     * The SPIFFE Workload API as the source of the gateway's upstream SVID (a SPIRE agent's socket).
     *
     * @param socket  {@code unix:/path/to/agent.sock} (or {@code tcp://host:port})
     * @param timeout how long start-up waits for the first SVID (default 15s); without one the gateway does not start
     */
    public record WorkloadApi(String socket, Duration timeout) {
        public WorkloadApi {
            timeout = timeout == null ? Duration.ofSeconds(15) : timeout;
            positive("tollgate.upstream-tls.workload-api.timeout", timeout);
            if (socket == null || !(socket.startsWith("unix:/") || socket.startsWith("tcp://"))) {
                throw new IllegalArgumentException("tollgate.upstream-tls.workload-api.socket must be unix:/<path> or"
                        + " tcp://<host>:<port>, was " + socket);
            }
        }
    }

    /**
     * The entity store, for tenants whose {@code entities.yaml} says {@code directory: store} (policy-engine/POLICY.md):
     * in Redis when {@code tollgate.redis.uri} is set, else in this process. Written through the admin API.
     *
     * @param cacheTtl   how long an instance keeps a looked-up entry, found or absent (default 30s); a write is
     *                   announced to every instance at once, this bounds the wait when an announcement was missed
     * @param maxCached  most entries an instance keeps (default 100000)
     * @param maxEntries most entries the in-process store holds (default 100000; Redis is bounded by its own memory)
     */
    public record EntitySettings(Duration cacheTtl, Long maxCached, Long maxEntries) {
        public EntitySettings {
            cacheTtl = cacheTtl == null ? Duration.ofSeconds(30) : cacheTtl;
            maxCached = maxCached == null ? 100_000L : maxCached;
            maxEntries = maxEntries == null ? 100_000L : maxEntries;
            if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("tollgate.entities.cache-ttl must be within [0, 10m]");
            }
            if (maxCached < 0 || maxEntries < 0) {
                throw new IllegalArgumentException("tollgate.entities.max-cached and max-entries must be >= 0");
            }
        }
    }

    /**
     * Transaction tokens minted for routes with {@code transaction-token: true} (gateway/MCP.md); keys are made in
     * memory and published on the admin listener at {@code /txn-token/jwks}.
     *
     * @param issuer      the tokens' {@code iss} (default {@code tollgate})
     * @param audience    the trust domain they are valid in, their {@code aud} (default {@code tollgate})
     * @param lifetime    how long a token lives (default 60s: it covers one call)
     * @param keyRotation how often the signing key changes (default 24h; the previous key stays published)
     */
    public record TransactionTokenSettings(String issuer, String audience, Duration lifetime, Duration keyRotation) {
        public TransactionTokenSettings {
            issuer = issuer == null || issuer.isBlank() ? "tollgate" : issuer;
            audience = audience == null || audience.isBlank() ? "tollgate" : audience;
            lifetime = lifetime == null ? Duration.ofSeconds(60) : lifetime;
            keyRotation = keyRotation == null ? Duration.ofHours(24) : keyRotation;
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("tollgate.transaction-tokens.lifetime must be within (0, 10m]");
            }
            if (keyRotation.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("tollgate.transaction-tokens.key-rotation must be at least 1m");
            }
        }
    }

    /**
     * DPoP proof checking (RFC 9449); routes choose {@code dpop: required|optional|disabled}. See gateway/DPOP.md.
     *
     * @param algorithms          accepted proof algorithms (default ES256, EdDSA, ES384, RS256, PS256)
     * @param proofMaxAge         how old a proof may be (default 60s); its {@code jti} is remembered this long plus
     *                            twice the skew
     * @param clockSkew           tolerance for client clocks (default 10s: the OpenID FAPI 2.0 conformance suite sends proofs 8s ahead)
     * @param maxJtiLength        longest {@code jti} accepted (default 128)
     * @param externalUri         origin clients address when Tollgate is behind a trusted proxy ({@code htu} is
     *                            checked against it)
     * @param nonceSecret         base64, ≥ 32 bytes, the same on every instance (routes with {@code dpop-nonce})
     * @param nonceLifetime       how long a nonce is good for (default 5m; the previous one is also accepted)
     * @param localReplayCapacity most proofs the in-process replay store remembers (default 500000)
     */
    public record Dpop(List<String> algorithms, Duration proofMaxAge, Duration clockSkew, Integer maxJtiLength,
                       java.net.URI externalUri, String nonceSecret, Duration nonceLifetime,
                       Integer localReplayCapacity) {
        public Dpop {
            positive("tollgate.dpop.proof-max-age", proofMaxAge);
            notNegative("tollgate.dpop.clock-skew", clockSkew);
            positive("tollgate.dpop.nonce-lifetime", nonceLifetime);
            // Unset means the default; a value of 0 or less was silently read as the default too. It is a mistake.
            if (maxJtiLength != null) {
                within("tollgate.dpop.max-jti-length", maxJtiLength, 1, 4096);
            }
            if (localReplayCapacity != null) {
                within("tollgate.dpop.local-replay-capacity", localReplayCapacity, 1, Integer.MAX_VALUE);
            }
        }
    }

    /**
     * Signature providers.
     *
     * @param providers order of preference among {@code accp}, {@code conscrypt}, {@code bc}, {@code jdk}; default
     *                  {@code auto} (that order). A provider that does not load or fails its self-test is skipped.
     */
    public record Crypto(List<String> providers) {
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
     * @param bundleFile      PEM file of the trust domain's X.509 authorities (or a SPIFFE bundle, {@code *.json});
     *                        with a bundle endpoint, the bundle to start from until the first fetch succeeds
     * @param bundleEndpoint  the trust domain's SPIFFE bundle endpoint URL, fetched and refreshed in the background
     * @param bundleEndpointProfile {@code https_web} (default) or {@code https_spiffe}
     * @param endpointSpiffeId for {@code https_spiffe}: the SPIFFE ID the endpoint's server must present
     * @param refreshInterval how often the endpoint is polled when the bundle gives no {@code spiffe_refresh_hint}
     */
    public record TrustDomainSettings(String name, String tenant, Path bundleFile, java.net.URI bundleEndpoint,
                                      String bundleEndpointProfile, String endpointSpiffeId,
                                      Duration refreshInterval) {
        public TrustDomainSettings {
            refreshInterval = refreshInterval == null ? Duration.ofMinutes(5) : refreshInterval;
            atLeast("trust domain " + name + ": refresh-interval", refreshInterval, Duration.ofSeconds(1));
            if (BundleEndpointProfile.parse(bundleEndpointProfile) == BundleEndpointProfile.HTTPS_SPIFFE) {
                if (bundleEndpoint == null || !"https".equalsIgnoreCase(bundleEndpoint.getScheme())
                        || endpointSpiffeId == null) {
                    throw new IllegalArgumentException("trust domain " + name + ": bundle-endpoint-profile"
                            + " https_spiffe needs an https bundle-endpoint and its endpoint-spiffe-id");
                }
                SpiffeId endpoint = SpiffeId.workload(endpointSpiffeId);
                if (endpoint.trustDomain().equals(name) && bundleFile == null) {
                    throw new IllegalArgumentException("trust domain " + name + ": an https_spiffe endpoint of the"
                            + " trust domain itself needs a bundle-file to authenticate its first fetch");
                }
            } else if (endpointSpiffeId != null) {
                throw new IllegalArgumentException("trust domain " + name + ": endpoint-spiffe-id is for"
                        + " bundle-endpoint-profile https_spiffe");
            }
            dev.tollgate.gateway.token.RemoteJson.requireSecure(bundleEndpoint,
                    "trust domain " + name + ": bundle-endpoint");
        }
    }

    /**
     * @param directory where tenant policy documents live
     * @param watch     reload when files change (the last good revision stays if a change is invalid)
     * @param bundle    a signed policy bundle to follow instead (see {@link BundleSettings})
     */
    public record Policies(Path directory, Boolean watch, BundleSettings bundle) {
        public Policies {
            directory = directory == null ? Path.of("config/policies") : directory;
            watch = watch == null ? Boolean.TRUE : watch;
        }
    }

    /**
     * A signed policy bundle published at a URL (gateway/CONFIGURATION.md, Policy bundles). Until the first one is
     * verified, the last good bundle on disk runs, else {@code policies.directory}.
     *
     * @param url           where the bundle is published ({@code https://}; {@code http://} only on loopback)
     * @param verificationKeys JWK Set file of the public keys bundles are signed with
     * @param pollInterval  how often the URL is asked ({@code If-None-Match}; default 30s)
     * @param cacheDirectory where verified bundles are kept and unpacked (default {@code <directory>/../bundles})
     * @param caFile        PEM CA bundle for the URL's certificate (default the JVM's trust store)
     */
    public record BundleSettings(java.net.URI url, Path verificationKeys, Duration pollInterval, Path cacheDirectory,
                                 Path caFile) {
        public BundleSettings {
            pollInterval = pollInterval == null ? Duration.ofSeconds(30) : pollInterval;
            if (url != null) {
                boolean loopback = "http".equals(url.getScheme()) && ("127.0.0.1".equals(url.getHost())
                        || "localhost".equals(url.getHost()));
                if (!"https".equals(url.getScheme()) && !loopback) {
                    throw new IllegalArgumentException("tollgate.policies.bundle.url must be https");
                }
                if (verificationKeys == null) {
                    throw new IllegalArgumentException("tollgate.policies.bundle.verification-keys is required");
                }
            }
            if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("tollgate.policies.bundle.poll-interval must be at least 1s");
            }
        }
    }

    /**
     * @param path     JSON-lines file, or {@code -} for standard output
     * @param capacity events buffered between request threads and the writer
     * @param overflow    drop (count and serve) or refuse (503 on enforcing routes) while the log is full or failing
     * @param maxFileSize rotate the file past this size (default 100MB); none: never
     * @param maxFiles    rotated files kept (decisions.jsonl.1 ... .N)
     * @param stdout      also write every line to standard output (for a cluster's log collector)
     */
    public record DecisionLogSettings(String path, Integer capacity, String overflow, String maxFileSize,
                                      Integer maxFiles, Boolean stdout) {
        public DecisionLogSettings {
            path = path == null ? "logs/decisions.jsonl" : path;
            capacity = capacity == null ? 65_536 : capacity;
            if (capacity < 1) {
                throw new IllegalArgumentException("tollgate.decision-log.capacity must be at least 1");
            }
            overflow = DecisionLog.Overflow.parse(overflow).name().toLowerCase(java.util.Locale.ROOT);
            maxFiles = maxFiles == null ? 5 : maxFiles;
            if (maxFiles < 0) {
                throw new IllegalArgumentException("tollgate.decision-log.max-files must not be negative");
            }
            // Capped by default: a client sending requests at line rate writes ~700 bytes each, and an uncapped log
            // fills the disk. "none" keeps one growing file, for a host whose own rotation (logrotate) bounds it.
            maxFileSize = maxFileSize == null ? DEFAULT_MAX_FILE_SIZE : maxFileSize.trim();
            if (!NO_CAP.equals(maxFileSize)) {
                long bytes;
                try {
                    bytes = org.springframework.util.unit.DataSize.parse(maxFileSize).toBytes();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("tollgate.decision-log.max-file-size must be a size such as"
                            + " 100MB, or none, not '" + maxFileSize + "'");
                }
                if (bytes <= 0) {
                    throw new IllegalArgumentException("tollgate.decision-log.max-file-size must be more than 0 (none:"
                            + " never rotate), was " + maxFileSize);
                }
            }
            stdout = stdout != null && stdout;
        }

        static final String DEFAULT_MAX_FILE_SIZE = "100MB";
        static final String NO_CAP = "none";

        /** The file's size cap in bytes, {@code 0} for none. */
        public long maxFileBytes() {
            return NO_CAP.equals(maxFileSize) ? 0 : org.springframework.util.unit.DataSize.parse(maxFileSize).toBytes();
        }
    }

    /**
     * Bounds on what a client controls.
     *
     * @param maxTokenBytes largest {@code Authorization} credential accepted
     * @param maxProofBytes largest {@code DPoP} proof accepted
     * @param allowEncodedSlashes accept {@code %2F} in request paths (default false: refused with 400
     *                      {@code request.path}, as every path with more than one reading is; see
     *                      {@link dev.tollgate.gateway.route.RequestPaths})
     */
    public record Limits(Integer maxTokenBytes, Integer maxProofBytes, Boolean allowEncodedSlashes) {
        public Limits {
            maxTokenBytes = maxTokenBytes == null ? 8192 : maxTokenBytes;
            maxProofBytes = maxProofBytes == null ? 4096 : maxProofBytes;
            allowEncodedSlashes = allowEncodedSlashes != null && allowEncodedSlashes;
            // Bounds on what a client sends: 0 would refuse every request, a huge one would be no bound at all.
            within("tollgate.limits.max-token-bytes", maxTokenBytes, 1, MAX_CREDENTIAL_BYTES);
            within("tollgate.limits.max-proof-bytes", maxProofBytes, 1, MAX_CREDENTIAL_BYTES);
        }

        /** Far beyond any real token (a large Entra ID token is about 8 KiB), and still a bound. */
        static final int MAX_CREDENTIAL_BYTES = 65_536;
    }

    /**
     * Shared state (decision cache L2, revocations, DPoP replay store). Without {@code uri}, in-process stores are
     * used: fine for one instance, wrong for several.
     *
     * @param uri            {@code redis://host:port}, {@code rediss://...}, a Sentinel URI
     *                       ({@code redis-sentinel://host:26379/0#mymaster}), or a cluster's seed nodes
     *                       ({@code redis-cluster://host:7000,host:7001}, {@code rediss-cluster://...})
     * @param keyPrefix      prefix of every key and channel Tollgate uses
     * @param commandTimeout the longest a command may take: caps the {@code redis} dependency guard's time limit,
     *                       which is each command's one timer
     * @param replicaAcks    a DPoP proof counts as used only once this many replicas hold it ({@code WAIT}; default 0):
     *                       with 1, a failover cannot forget a proof and accept it again
     * @param replicaAckTimeout how long to wait for those acknowledgements (default 100ms); fewer in time is a
     *                       dependency failure, answered by the route's failure mode
     * @param tls            for {@code rediss://}: {@code ca-file} (PEM CA bundle of Redis's certificate; default the
     *                       JVM's trust store), {@code certificate} and {@code private-key} (a client certificate, for
     *                       {@code tls-auth-clients yes})
     */
    public record Redis(String uri, String keyPrefix, Duration commandTimeout, Duration reconnectMaxDelay,
                        Integer replicaAcks, Duration replicaAckTimeout, RedisTls tls) {
        public Redis {
            replicaAcks = replicaAcks == null ? 0 : replicaAcks;
            if (replicaAcks < 0) {
                throw new IllegalArgumentException("tollgate.redis.replica-acks must be 0 or more");
            }
            replicaAckTimeout = replicaAckTimeout == null ? Duration.ofMillis(100) : replicaAckTimeout;
            keyPrefix = keyPrefix == null ? "tollgate:" : keyPrefix;
            commandTimeout = commandTimeout == null ? Duration.ofSeconds(1) : commandTimeout;
            reconnectMaxDelay = reconnectMaxDelay == null ? RedisAccess.DEFAULT_RECONNECT_MAX_DELAY : reconnectMaxDelay;
            positive("tollgate.redis.command-timeout", commandTimeout);
            positive("tollgate.redis.reconnect-max-delay", reconnectMaxDelay);
            // Redis's WAIT with a timeout of 0 blocks until the replicas answer, however long that takes.
            positive("tollgate.redis.replica-ack-timeout", replicaAckTimeout);
        }

        /** A Redis is configured (else the in-process stores serve). */
        public boolean configured() {
            return uri != null && !uri.isBlank();
        }

        /** The TLS files, or {@code null} when none are set. */
        public dev.tollgate.gateway.redis.RedisTlsFiles tlsFiles() {
            return tls == null || (tls.caFile() == null && tls.certificate() == null) ? null
                    : new dev.tollgate.gateway.redis.RedisTlsFiles(tls.caFile(), tls.certificate(), tls.privateKey());
        }
    }

    /** TLS to Redis: see {@link Redis}. */
    public record RedisTls(Path caFile, Path certificate, Path privateKey) {
    }

    /**
     * @param maxEntries in-process entries at most
     * @param ttl        longest a decision is reused (also bounded by the credential's expiry and the policy's time
     *                   windows)
     */
    public record DecisionCacheSettings(Long maxEntries, Duration ttl) {
        public DecisionCacheSettings {
            maxEntries = maxEntries == null ? 100_000L : maxEntries;
            within("tollgate.decision-cache.max-entries", maxEntries, 0, Long.MAX_VALUE); // 0: no in-process tier
            ttl = ttl == null ? Duration.ofMinutes(5) : ttl;
            notNegative("tollgate.decision-cache.ttl", ttl); // 0: decisions are not reused
        }
    }

    /** @param pollInterval how often each instance confirms its revocation view is current */
    public record RevocationSettings(Duration pollInterval) {
        public RevocationSettings {
            pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
            // A floor also catches a bare number, which Spring reads as milliseconds ("1" meant as one second).
            atLeast("tollgate.revocation.poll-interval", pollInterval, Duration.ofMillis(10));
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
    public record Admin(Boolean enabled, String address, Integer port, String tenant, AuthZen authzen) {
        public Admin {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            address = address == null ? "127.0.0.1" : address;
            port = port == null ? 9444 : port;
            within("tollgate.admin.port", port, 0, 65_535); // 0: any free port
            tenant = tenant == null ? "tollgate-admin" : tenant;
            authzen = authzen == null ? new AuthZen(null, null, null) : authzen;
        }
    }

    /**
     * The AuthZEN endpoints' tenant bindings ({@code tollgate.admin.authzen}).
     *
     * @param peps           each enforcement point (its workload SPIFFE ID) and the tenants it may ask about
     * @param subjectTypes   AuthZEN subject type to tenant, for subjects that are not SPIFFE IDs
     * @param defaultTenant  the tenant of a request that names none and whose subject type is not mapped
     */
    public record AuthZen(List<dev.tollgate.gateway.admin.PdpBindings.Pep> peps, Map<String, String> subjectTypes,
                          String defaultTenant) {
        public dev.tollgate.gateway.admin.PdpBindings bindings() {
            return dev.tollgate.gateway.admin.PdpBindings.of(peps, subjectTypes, defaultTenant);
        }
    }

    static Duration orDefault(Duration d, Duration def) {
        return d == null ? def : d;
    }

    /*
     * Duration and count settings out of range are refused at binding, so that start-up and `validate` both name
     * them: a zero or negative interval spins a scheduler or never fires, a negative time limit fails every call, a
     * negative lifetime turns a bound into "never", a zero size refuses everything. SettingRangesTest tries every
     * duration and count the schema lists.
     */

    static void positive(String setting, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(setting + " must be more than 0, was " + d);
        }
    }

    static void notNegative(String setting, Duration d) {
        if (d != null && d.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative, was " + d);
        }
    }

    static void within(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(setting + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "at least " + min : "within " + min + ".." + max) + ", was " + value);
        }
    }

    static void atLeast(String setting, Duration d, Duration floor) {
        if (d != null && d.compareTo(floor) < 0) {
            throw new IllegalArgumentException(setting + " must be at least " + floor.toMillis() + "ms, was " + d
                    + " (a bare number is read as milliseconds)");
        }
    }
}
