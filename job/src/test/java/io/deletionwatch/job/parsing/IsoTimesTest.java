package io.deletionwatch.job.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IsoTimesTest {
    @Test
    void parsesTheActivityLogShapes() {
        assertThat(IsoTimes.parseOrNull("2026-03-01T12:34:56.1234567Z"))
                .isEqualTo(Instant.parse("2026-03-01T12:34:56.123456700Z"));
        assertThat(IsoTimes.parseOrNull("2026-03-01T12:34:56Z")).isEqualTo(Instant.parse("2026-03-01T12:34:56Z"));
        assertThat(IsoTimes.parseOrNull("2024-12-17T10:30:00+02:00")).isEqualTo(Instant.parse("2024-12-17T08:30:00Z"));
        assertThat(IsoTimes.parseOrNull("2024-12-17T10:30:00.5-05:30")).isEqualTo(Instant.parse("2024-12-17T16:00:00.5Z"));
    }

    @Test
    void leavesEverythingElseToTheGeneralParser() {
        assertThat(IsoTimes.parseOrNull("2026-02-30T00:00:00Z")).isNull(); // no such day
        assertThat(IsoTimes.parseOrNull("2026-03-01T24:00:00Z")).isNull();
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00:60Z")).isNull();
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00:00+19:00")).isNull();
        assertThat(IsoTimes.parseOrNull("2026-03-01t00:00:00z")).isNull(); // lower case: general parser
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00Z")).isNull(); // no seconds: general parser
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00:00.Z")).isNull();
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00:00.1234567890Z")).isNull();
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00:00")).isNull(); // no zone: the caller's fallback
        assertThat(IsoTimes.parseOrNull("2026-03-01T00:00:00Zx")).isNull();
        assertThat(IsoTimes.parseOrNull("2026-0a-01T00:00:00Z")).isNull();
    }

    /** Whatever the fast path accepts, OffsetDateTime.parse accepts with the same instant. */
    @Property(tries = 2000)
    void agreesWithOffsetDateTime(@ForAll("timestamps") String text) {
        Instant fast = IsoTimes.parseOrNull(text);
        Instant general;
        try {
            general = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            general = null;
        }
        if (fast != null) {
            assertThat(fast).isEqualTo(general);
        }
    }

    @Provide
    Arbitrary<String> timestamps() {
        Arbitrary<String> year = Arbitraries.integers().between(0, 9999).map(y -> String.format("%04d", y));
        Arbitrary<String> two = Arbitraries.integers().between(0, 99).map(v -> String.format("%02d", v));
        Arbitrary<String> fraction =
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(10).map(f -> f.isEmpty() ? "" : "." + f);
        Arbitrary<String> zone =
                Arbitraries.oneOf(
                        Arbitraries.of("Z", "z", "", "+00:00", "-00:00"),
                        Combinators.combine(Arbitraries.of("+", "-"), two, two).as((s, h, m) -> s + h + ":" + m));
        return Combinators.combine(year, two, two, two, two, two, fraction, zone)
                .as((y, mo, d, h, mi, s, f, z) -> y + "-" + mo + "-" + d + "T" + h + ":" + mi + ":" + s + f + z);
    }
}
