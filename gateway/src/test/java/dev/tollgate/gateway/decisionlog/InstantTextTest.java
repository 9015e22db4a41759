package dev.tollgate.gateway.decisionlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cached formatter writes exactly what {@link Instant#toString()} writes, for every class of instant. */
class InstantTextTest {

    private final InstantText text = new InstantText();

    @Test
    void fractionsOfEveryPrecisionAndNoneAtAll() {
        long second = Instant.parse("2026-12-04T13:50:00Z").getEpochSecond();
        for (int nano : new int[] {0, 1, 9, 10, 999, 1_000, 1_001, 10_000, 999_000, 1_000_000, 1_000_001, 5_000_000,
                10_000_000, 100_000_000, 120_000_000, 123_456_000, 123_456_789, 999_000_000, 999_999_000,
                999_999_999}) {
            Instant instant = Instant.ofEpochSecond(second, nano);
            assertThat(text.format(instant)).as("nano %d", nano).isEqualTo(instant.toString());
        }
    }

    @Test
    void theEdgesOfTheCachedRangeAndBeyond() {
        List<Instant> instants = List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 500),
                Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-1, 999_999_999), Instant.MIN, Instant.MAX,
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.ofEpochSecond(253_402_300_800L),
                Instant.ofEpochSecond(253_402_300_800L, 1_000), Instant.parse("2000-02-29T00:00:00Z"),
                Instant.parse("2026-12-31T23:59:59.999Z"), Instant.parse("2027-01-01T00:00:00Z"));
        for (Instant instant : instants) {
            assertThat(text.format(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void generatedInstantsInOrderAndOutOfOrder() {
        SplittableRandom random = new SplittableRandom(20261204);
        List<Instant> instants = new ArrayList<>();
        long now = Instant.parse("2026-12-04T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long second = switch (i % 4) {
                case 0 -> now + i / 8;                                     // a log's steady clock: runs of one second
                case 1 -> random.nextLong(0, 253_402_300_800L);            // anywhere in years 1970-9999
                case 2 -> random.nextLong(-62_167_219_200L, 0);            // before 1970 (not cached)
                default -> now + random.nextLong(-86_400, 86_400);         // a clock that steps back and forth
            };
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nano));
        }
        for (Instant instant : instants) {
            assertThat(text.format(instant)).isEqualTo(instant.toString());
        }
    }
}
