package io.deletionwatch.job.parsing;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A fast path for the one timestamp shape the Activity Log uses, {@code
 * yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)}: {@code OffsetDateTime.parse} took a quarter of the
 * parser's time in a profile of the benchmark. Anything else (lower-case letters, no seconds,
 * other years or offsets, invalid fields) returns null and goes to the general parser, which also
 * gives the error; for the texts it accepts the result equals {@code OffsetDateTime.parse}'s.
 */
final class IsoTimes {
    private IsoTimes() {}

    /** The instant, or null when the text is not in the fast path's shape or not a valid time. */
    static Instant parseOrNull(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            int count = i - start;
            if (count < 1 || count > 9) {
                return null;
            }
            nanos = digits(t, start, count);
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && t.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
            int hours = digits(t, i + 1, 2);
            int minutes = digits(t, i + 4, 2);
            if ((hours | minutes) < 0 || minutes > 59) {
                return null;
            }
            int sign = t.charAt(i) == '-' ? -1 : 1;
            offsetSeconds = sign * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        try {
            ZoneOffset offset =
                    offsetSeconds == 0
                            ? ZoneOffset.UTC
                            : ZoneOffset.ofHoursMinutes(
                                    offsetSeconds / 3600, (offsetSeconds % 3600) / 60);
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset);
        } catch (DateTimeException invalid) {
            return null;
        }
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
