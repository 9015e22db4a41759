package dev.tollgate.gateway.identity;

import dev.tollgate.policy.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured trust domains and their X.509 bundles. A peer's chain is validated only against the bundle of the
 * trust domain its SPIFFE ID claims — a CA of one trust domain cannot vouch for another's workloads.
 */
public final class TrustDomains {

    /** One trust domain: its name, the tenant its workloads belong to, and its CA certificates. */
    public record TrustDomain(String name, String tenant, List<X509Certificate> authorities) {
    }

    private final Map<String, TrustDomain> domains;

    public TrustDomains(Map<String, TrustDomain> domains) {
        this.domains = Map.copyOf(domains);
    }

    /** Reads each trust domain's PEM bundle. */
    public static TrustDomains fromBundles(Map<String, String> tenants, Map<String, Path> bundles) {
        Map<String, TrustDomain> domains = new LinkedHashMap<>();
        bundles.forEach((name, file) -> domains.put(name, new TrustDomain(name, tenants.get(name), readPem(file))));
        return new TrustDomains(domains);
    }

    public TrustDomain get(String name) {
        return domains.get(name);
    }

    public X509Certificate[] allAuthorities() {
        return domains.values().stream().flatMap(d -> d.authorities().stream()).toArray(X509Certificate[]::new);
    }

    /** What the certificate is presented for: its extended key usage, when it has one, must allow it. */
    public enum Purpose {
        CLIENT("1.3.6.1.5.5.7.3.2", "clientAuth"), SERVER("1.3.6.1.5.5.7.3.1", "serverAuth");

        private final String oid;
        private final String label;

        Purpose(String oid, String label) {
            this.oid = oid;
            this.label = label;
        }
    }

    /** The most certificates a peer may present; more is refused before any path is built. */
    static final int MAX_PRESENTED = 10;
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    /** Validates a client's chain ({@link #verify(X509Certificate[], Purpose)} for {@link Purpose#CLIENT}). */
    public SpiffeId verify(X509Certificate[] chain) {
        return verify(chain, Purpose.CLIENT);
    }

    /**
     * Validates a presented chain as an X.509-SVID: leaf not a CA, digitalSignature set and keyCertSign/cRLSign not,
     * an extended key usage (if present) that allows {@code purpose}, exactly one workload SPIFFE ID, a known trust
     * domain, and a PKIX path from the leaf to that trust domain's bundle only.
     * <p>
     * The path is built from the presented set, as RFC 8446 §4.4.2 asks servers to tolerate: certificates after the
     * leaf may come in any order, repeat, or include ones that play no part. Each refusal says what failed (expired,
     * bad signature, no path, path length, name constraints) with the {@link CertificateFailure} the peer is told.
     */
    public SpiffeId verify(X509Certificate[] chain, Purpose purpose) {
        if (chain == null || chain.length == 0) {
            throw new SvidRejectedException("svid.missing", "no client certificate");
        }
        if (chain.length > MAX_PRESENTED) {
            throw new SvidRejectedException("svid.chain-too-long", "more than " + MAX_PRESENTED
                    + " certificates presented");
        }
        X509Certificate leaf = chain[0];
        if (leaf.getBasicConstraints() >= 0) {
            throw new SvidRejectedException("svid.leaf-is-ca", "a CA certificate cannot be an X.509-SVID leaf");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || !usage[0]) {
            throw new SvidRejectedException("svid.key-usage", "an X.509-SVID must have digitalSignature key usage");
        }
        if (usage.length > 6 && (usage[5] || usage[6])) {
            throw new SvidRejectedException("svid.key-usage", "an X.509-SVID leaf must not have keyCertSign or cRLSign");
        }
        checkExtendedKeyUsage(leaf, purpose);
        SpiffeId id;
        try {
            id = SvidIdentity.of(leaf);
        } catch (IllegalArgumentException e) {
            throw new SvidRejectedException("svid.spiffe-id", e.getMessage());
        }
        TrustDomain domain = domains.get(id.trustDomain());
        if (domain == null) {
            throw new SvidRejectedException("svid.trust-domain", "trust domain " + id.trustDomain()
                    + " is not configured", CertificateFailure.UNKNOWN_CA);
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        domain.authorities().forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        List<X509Certificate> path = CertificatePaths.fromPresented(chain, domain.authorities());
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
        } catch (CertPathValidatorException e) {
            throw CertificatePaths.rejection(e, id.trustDomain());
        } catch (GeneralSecurityException e) {
            throw new SvidRejectedException("svid.chain", "the chain could not be validated: " + e.getMessage(),
                    CertificateFailure.UNKNOWN_CA);
        }
        return id;
    }

    private static void checkExtendedKeyUsage(X509Certificate leaf, Purpose purpose) {
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new SvidRejectedException("svid.extended-key-usage", "unreadable extended key usage",
                    CertificateFailure.PURPOSE);
        }
        // Absent: any use (X509-SVID 4.4 recommends but does not require it). Present: it must allow this one.
        if (eku != null && !eku.contains(purpose.oid) && !eku.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new SvidRejectedException("svid.extended-key-usage", "the extended key usage does not allow "
                    + purpose.label, CertificateFailure.PURPOSE);
        }
    }

    @SuppressWarnings("unchecked")
    public static List<X509Certificate> readPem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return List.copyOf((java.util.Collection<X509Certificate>) CertificateFactory.getInstance("X.509")
                    .generateCertificates(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trust bundle " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("invalid trust bundle " + file + ": " + e.getMessage(), e);
        }
    }
}
