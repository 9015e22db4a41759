package dev.tollgate.gateway.admin;

import dev.tollgate.policy.SpiffeId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tenants a policy enforcement point may ask the AuthZEN endpoints about, and which tenant a request is about
 * when it does not say. A PEP is named by its workload SPIFFE ID (the mTLS caller of the admin listener); it may never
 * ask about a tenant it is not bound to — the request's own {@code resource.properties.tenant} is a claim to check,
 * not an authority. Configured under {@code tollgate.admin.authzen}.
 *
 * @param peps          PEP SPIFFE ID → the tenants it may ask about
 * @param subjectTypes  AuthZEN {@code subject.type} → the tenant of such subjects (e.g. {@code user → acme}), for
 *                      subjects that are not SPIFFE IDs of a configured trust domain
 * @param defaultTenant the tenant of a request that names none and whose subject type has no mapping, or
 *                      {@code null} (such a request is refused)
 * @param pepSubjectTypes PEP SPIFFE ID → its own subject-type mappings, which come before the global ones (the
 *                      Todo app's PEP: {@code user → todo}; another PEP's users may be another tenant's)
 */
public record PdpBindings(Map<String, Set<String>> peps, Map<String, String> subjectTypes, String defaultTenant,
                          Map<String, Map<String, String>> pepSubjectTypes) {

    /** One PEP, the tenants it may ask about, and (optionally) its own subject-type → tenant mappings. */
    public record Pep(String id, List<String> tenants, Map<String, String> subjectTypes) {
        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Pep {
        }

        public Pep(String id, List<String> tenants) {
            this(id, tenants, null);
        }
    }

    public PdpBindings {
        peps = peps == null ? Map.of() : Map.copyOf(peps);
        subjectTypes = subjectTypes == null ? Map.of() : Map.copyOf(subjectTypes);
        pepSubjectTypes = pepSubjectTypes == null ? Map.of() : Map.copyOf(pepSubjectTypes);
    }

    public PdpBindings(Map<String, Set<String>> peps, Map<String, String> subjectTypes, String defaultTenant) {
        this(peps, subjectTypes, defaultTenant, Map.of());
    }

    /** The tenant of subjects of {@code type} asked about by {@code pep}: its own mapping, the global one, the default. */
    public String tenantOfSubjectType(String pep, String type) {
        String own = pep == null ? null : pepSubjectTypes.getOrDefault(pep, Map.of()).get(type);
        return own != null ? own : subjectTypes.getOrDefault(type, defaultTenant);
    }

    /** From configuration; PEP ids must be workload SPIFFE IDs and name at least one tenant. */
    public static PdpBindings of(List<Pep> peps, Map<String, String> subjectTypes, String defaultTenant) {
        Map<String, Set<String>> byId = new HashMap<>();
        Map<String, Map<String, String>> own = new HashMap<>();
        for (Pep pep : peps == null ? List.<Pep>of() : peps) {
            if (pep.subjectTypes() != null && !pep.subjectTypes().isEmpty()) {
                pep.subjectTypes().forEach((type, tenant) -> {
                    if (!pep.tenants().contains(tenant)) {
                        throw new IllegalArgumentException("tollgate.admin.authzen.peps: " + pep.id() + " maps subject"
                                + " type '" + type + "' to tenant '" + tenant + "', which it is not bound to");
                    }
                });
                own.put(pep.id(), Map.copyOf(pep.subjectTypes()));
            }
            try {
                SpiffeId.workload(pep.id());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tollgate.admin.authzen.peps: '" + pep.id()
                        + "' is not a workload SPIFFE ID: " + e.getMessage());
            }
            if (pep.tenants() == null || pep.tenants().isEmpty()) {
                throw new IllegalArgumentException("tollgate.admin.authzen.peps: " + pep.id() + " names no tenant");
            }
            byId.merge(pep.id(), Set.copyOf(pep.tenants()), (a, b) -> {
                Set<String> all = new java.util.HashSet<>(a);
                all.addAll(b);
                return Set.copyOf(all);
            });
        }
        return new PdpBindings(byId, subjectTypes, defaultTenant, own);
    }

    /** The tenants {@code pep} may ask about (empty: none). */
    public Set<String> tenantsOf(String pep) {
        return peps.getOrDefault(pep, Set.of());
    }
}
