package dev.tollgate.gateway.decisionlog;

import java.util.concurrent.ThreadLocalRandom;

/** Random 128-bit decision ids (hex). Not secrets: they only correlate a response with its decision-log line. */
public final class DecisionIds {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DecisionIds() {
    }

    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[32];
        fill(out, 0, r.nextLong());
        fill(out, 16, r.nextLong());
        return new String(out);
    }

    private static void fill(char[] out, int offset, long v) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
