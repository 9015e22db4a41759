package dev.tollgate.gateway.authn;

import dev.tollgate.policy.CredentialKind;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the credentials that proved a principal are named outside the policy engine: in the decision log and the
 * Txn-Token ({@code ["jwt","mtls"]}, sorted by name) and in the {@code X-Tollgate-Credentials} header
 * ({@code mtls,jwt}, in the enum's order). There are only 2<sup>4</sup> sets, so each form is built once per set at
 * class load: naming them per request was two streams, a sort and a lower-casing per kind.
 */
public final class CredentialNames {

    private static final List<String>[] FOR_LOG;
    private static final String[] FOR_HEADER;

    static {
        int sets = ProvenCredentials.count();
        @SuppressWarnings("unchecked")
        List<String>[] log = new List[sets];
        FOR_LOG = log;
        FOR_HEADER = new String[sets];
        for (int mask = 0; mask < sets; mask++) {
            Set<CredentialKind> kinds = ProvenCredentials.of(mask);
            FOR_LOG[mask] = kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().toList();
            FOR_HEADER[mask] = kinds.stream().sorted()
                    .map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.joining(","));
        }
    }

    private CredentialNames() {
    }

    /** Lower-case names sorted by name ({@code cert_bound}, {@code dpop}, {@code jwt}, {@code mtls}); immutable. */
    public static List<String> forLog(Set<CredentialKind> kinds) {
        return FOR_LOG[ProvenCredentials.mask(kinds)];
    }

    /** Comma-separated lower-case names in the enum's order, {@code _} as {@code -} ({@code mtls,jwt,cert-bound}). */
    public static String forHeader(Set<CredentialKind> kinds) {
        return FOR_HEADER[ProvenCredentials.mask(kinds)];
    }
}
