package dev.tollgate.gateway.crypto;

import java.security.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA provider verifies each signature algorithm. Every request on a DPoP route costs one fresh signature
 * verification, and the JDK's own ECDSA is many times slower than a native one, so at start-up each candidate — the
 * Amazon Corretto Crypto Provider (AWS-LC), Conscrypt (BoringSSL), BouncyCastle, the JDK — is loaded if it can be and
 * must pass a self-test for the algorithm (a good signature verifies, a tampered and an all-zero one do not) before it
 * is used. The first that passes, in the configured order, wins; the JDK's provider is always the last resort.
 * Selections are made once per JVM and preference.
 */
public final class SignatureProviders {

    /** The JCA signature algorithms Tollgate verifies, by JWS name. PS* stays with the JDK (parameters differ). */
    public static final Map<String, String> JCA_NAMES = Map.of(
            "ES256", "SHA256withECDSA", "ES384", "SHA384withECDSA", "ES512", "SHA512withECDSA",
            "RS256", "SHA256withRSA", "RS384", "SHA384withRSA", "RS512", "SHA512withRSA",
            "EdDSA", "Ed25519", "Ed25519", "Ed25519");

    /** The default preference: fastest first. */
    public static final List<String> AUTO = List.of("accp", "conscrypt", "bc", "jdk");

    private static final Logger log = LoggerFactory.getLogger(SignatureProviders.class);
    private static final Map<List<String>, SignatureProviders> SELECTED = new java.util.concurrent.ConcurrentHashMap<>();

    /** JCA name → chosen provider; {@code null} value = the JDK's default provider. */
    private final Map<String, Provider> chosen;

    private final List<String> preference;

    private SignatureProviders(Map<String, Provider> chosen, List<String> preference) {
        this.chosen = chosen;
        this.preference = preference;
    }

    /**
     * Selects providers in the given order of preference ({@code auto}, or a list of {@code accp}, {@code conscrypt},
     * {@code bc}, {@code jdk}); a candidate that does not load or fails its self-test is skipped.
     */
    public static SignatureProviders select(List<String> preference) {
        List<String> order = normalise(preference);
        return SELECTED.computeIfAbsent(order, o -> selectNow(o, SignatureProviders::load));
    }

    /** The provider for a JCA signature algorithm, or {@code null} for the JDK's default. */
    public Provider forJca(String jcaName) {
        return chosen.get(jcaName);
    }

    /** The provider for a JWS algorithm name, or {@code null} for the JDK's default. */
    public Provider forJws(String jwsAlgorithm) {
        String jca = JCA_NAMES.get(jwsAlgorithm);
        return jca == null ? null : chosen.get(jca);
    }

    @Override
    public String toString() {
        return "signature providers (preference " + preference + "): " + describe();
    }

    /** JWS algorithm → provider name, for the start-up log and the benchmarks' report. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        JCA_NAMES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Provider p = chosen.get(e.getValue());
            out.put(e.getKey(), p == null ? "JDK" : p.getName());
        });
        return out;
    }

    private static List<String> normalise(List<String> preference) {
        if (preference == null || preference.isEmpty()
                || preference.size() == 1 && "auto".equalsIgnoreCase(preference.get(0).trim())) {
            return AUTO;
        }
        List<String> order = new ArrayList<>();
        for (String p : preference) {
            String name = p.trim().toLowerCase(Locale.ROOT);
            if (!AUTO.contains(name)) {
                throw new IllegalArgumentException("tollgate.crypto.providers: unknown provider '" + p
                        + "' (use auto, or a list of accp, conscrypt, bc, jdk)");
            }
            order.add(name);
        }
        return List.copyOf(order);
    }

    /**
     * Candidates are loaded only when an algorithm reaches them: where the first one serves every algorithm (ACCP on
     * Linux x86_64 and aarch64), the others are never loaded. BouncyCastle's provider alone costs a second of CPU at
     * start-up (its signed jar is verified class by class, and it registers thousands of services).
     */
    static SignatureProviders selectNow(List<String> order, java.util.function.Function<String, Provider> loader) {
        Map<String, java.util.Optional<Provider>> loaded = new java.util.HashMap<>();
        Map<String, Provider> chosen = new java.util.HashMap<>();
        for (String jca : new java.util.TreeSet<>(JCA_NAMES.values())) {
            for (String name : order) {
                if ("jdk".equals(name)) {
                    break; // the JDK's default: nothing preferred to it passed
                }
                Provider candidate = loaded.computeIfAbsent(name, n -> java.util.Optional.ofNullable(loader.apply(n)))
                        .orElse(null);
                if (candidate != null && ProviderSelfTest.passes(jca, candidate)) {
                    chosen.put(jca, candidate);
                    break;
                }
            }
        }
        // Not logged here: the selection may run before the logging system is set up (TollgateApplication's warm-up).
        return new SignatureProviders(Map.copyOf(chosen), order);
    }

    /** Loads a provider without registering it globally; {@code null} when it is absent or its native part fails. */
    static Provider load(String name) {
        Supplier<Provider> loader = switch (name) {
            case "accp" -> () -> {
                var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
                return accp.getLoadingError() == null ? accp : null;
            };
            case "conscrypt" -> () -> org.conscrypt.Conscrypt.isAvailable() ? org.conscrypt.Conscrypt.newProvider() : null;
            case "bc" -> org.bouncycastle.jce.provider.BouncyCastleProvider::new;
            default -> () -> null;
        };
        try {
            return loader.get();
        } catch (Throwable e) { // NoClassDefFoundError, UnsatisfiedLinkError: not available on this platform
            log.debug("signature provider {} not available: {}", name, e.toString());
            return null;
        }
    }
}
