package dev.tollgate.gateway.decisionlog;

import java.time.Instant;

/**
 * An instant as {@link Instant#toString()} writes it (ISO-8601 in UTC, the fraction in groups of three digits), with
 * the date and time of day formatted once per second: the JDK's formatter was an eighth of the decision log writer's
 * CPU in a JFR profile (perf/results/decision-log-2026-12-04.md), and a second's events share all but the fraction.
 */
final class InstantText {

    /** 9999-12-31T23:59:59Z: beyond it (and before 1970, never cached) {@link Instant#toString()} is used as is. */
    private static final long LAST_CACHED_SECOND = 253_402_300_799L;

    /** The last second formatted, without its {@code Z}. Immutable: a racing reader sees a whole one, or formats anew. */
    private record Second(long epochSecond, String text) {
    }

    private Second last = new Second(-1, null);

    String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds > LAST_CACHED_SECOND) {
            return instant.toString();
        }
        Second second = last;
        if (second.epochSecond() != seconds) {
            String whole = Instant.ofEpochSecond(seconds).toString();
            second = new Second(seconds, whole.substring(0, whole.length() - 1));
            last = second;
        }
        int nano = instant.getNano();
        if (nano == 0) {
            return second.text() + 'Z';
        }
        int digits;
        int fraction;
        if (nano % 1_000_000 == 0) {
            digits = 3;
            fraction = nano / 1_000_000;
        } else if (nano % 1_000 == 0) {
            digits = 6;
            fraction = nano / 1_000;
        } else {
            digits = 9;
            fraction = nano;
        }
        StringBuilder text = new StringBuilder(second.text().length() + 11).append(second.text()).append('.');
        for (int pad = digits - Integer.toString(fraction).length(); pad > 0; pad--) {
            text.append('0');
        }
        return text.append(fraction).append('Z').toString();
    }
}
