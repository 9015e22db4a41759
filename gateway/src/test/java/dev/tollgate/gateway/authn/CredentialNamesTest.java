package dev.tollgate.gateway.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.policy.CredentialKind;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every set of credential kinds, in every kind of {@code Set} a principal may hold, is named exactly as the decision
 * log, the Txn-Token and the identity header named it before the names were precomputed (the streams below).
 */
class CredentialNamesTest {

    @Test
    void everySetIsNamedAsBeforeInEveryForm() {
        CredentialKind[] kinds = CredentialKind.values();
        for (int mask = 0; mask < 1 << kinds.length; mask++) {
            EnumSet<CredentialKind> set = EnumSet.noneOf(CredentialKind.class);
            for (CredentialKind k : kinds) {
                if ((mask & (1 << k.ordinal())) != 0) {
                    set.add(k);
                }
            }
            List<String> log = set.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().toList();
            String header = set.stream().sorted().map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.joining(","));
            for (Set<CredentialKind> form : List.of(set, Set.copyOf(set), new HashSet<>(set))) {
                assertThat(CredentialNames.forLog(form)).as("%s", form).isEqualTo(log);
                assertThat(CredentialNames.forHeader(form)).as("%s", form).isEqualTo(header);
            }
        }
        assertThat(CredentialNames.forHeader(Set.of(CredentialKind.CERT_BOUND, CredentialKind.JWT,
                CredentialKind.MTLS))).isEqualTo("mtls,jwt,cert-bound");
        assertThat(CredentialNames.forLog(Set.of(CredentialKind.MTLS, CredentialKind.DPOP, CredentialKind.JWT)))
                .containsExactly("dpop", "jwt", "mtls");
    }

    @Test
    void theLogsListCannotBeChangedByOneRequestForTheNext() {
        List<String> names = CredentialNames.forLog(Set.of(CredentialKind.JWT));
        assertThatThrownBy(() -> names.add("mtls")).isInstanceOf(UnsupportedOperationException.class);
    }
}
