package dev.tollgate.policy;

/**
 * Did-you-mean for configuration and policy keys: the edit (Levenshtein) distance, and how far a misspelling may be
 * from what was meant (a third of its length, at least 2). Shared by the policy loader and the gateway's key check.
 */
public final class Spelling {

    private Spelling() {
    }

    /** Whether {@code typed} is close enough to {@code known} to suggest it. */
    public static boolean near(String typed, String known) {
        return distance(typed, known) <= Math.max(2, typed.length() / 3);
    }

    /** The Levenshtein distance between two strings. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
