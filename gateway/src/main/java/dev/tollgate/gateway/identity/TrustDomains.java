package dev.tollgate.gateway.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
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

    /**
     * Validates a client chain as an X.509-SVID: leaf not a CA, digitalSignature set and keyCertSign/cRLSign not,
     * exactly one valid SPIFFE ID, a known trust domain, and a PKIX path to that trust domain's bundle only.
     */
    public SpiffeId verify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            throw new SvidRejectedException("svid.missing", "no client certificate");
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
        SpiffeId id;
        try {
            id = SpiffeId.fromCertificate(leaf);
        } catch (IllegalArgumentException e) {
            throw new SvidRejectedException("svid.spiffe-id", e.getMessage());
        }
        TrustDomain domain = domains.get(id.trustDomain());
        if (domain == null) {
            throw new SvidRejectedException("svid.trust-domain", "trust domain is not configured");
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            domain.authorities().forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(Arrays.asList(chain)), params);
        } catch (GeneralSecurityException e) {
            throw new SvidRejectedException("svid.chain", "certificate does not chain to the trust domain's bundle");
        }
        return id;
    }

    @SuppressWarnings("unchecked")
    static List<X509Certificate> readPem(Path file) {
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
