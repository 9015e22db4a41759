package dev.tollgate.gateway.authn;

import dev.tollgate.policy.CredentialKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * The sets of credentials that can prove a principal, by bit mask of the kinds' ordinals: there are only
 * 2<sup>4</sup>, each built once, immutable, so a request's {@link dev.tollgate.policy.Principal} takes one as it is
 * (no per-request copy) and {@link CredentialNames} indexes its names by the same mask.
 */
final class ProvenCredentials {

    private static final CredentialKind[] KINDS = CredentialKind.values();
    private static final Set<CredentialKind>[] SETS = build();

    private ProvenCredentials() {
    }

    static int bit(CredentialKind kind) {
        return 1 << kind.ordinal();
    }

    /** How many sets (masks run from 0 to this, exclusive). */
    static int count() {
        return SETS.length;
    }

    /** The immutable set of the kinds whose bits are in {@code mask}. */
    static Set<CredentialKind> of(int mask) {
        return SETS[mask];
    }

    static int mask(Set<CredentialKind> kinds) {
        int mask = 0;
        for (CredentialKind k : kinds) {
            mask |= bit(k);
        }
        return mask;
    }

    @SuppressWarnings("unchecked")
    private static Set<CredentialKind>[] build() {
        Set<CredentialKind>[] sets = new Set[1 << KINDS.length];
        for (int mask = 0; mask < sets.length; mask++) {
            EnumSet<CredentialKind> set = EnumSet.noneOf(CredentialKind.class);
            for (CredentialKind k : KINDS) {
                if ((mask & bit(k)) != 0) {
                    set.add(k);
                }
            }
            sets[mask] = Set.copyOf(set);
        }
        return sets;
    }
}
