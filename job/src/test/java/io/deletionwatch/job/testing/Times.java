package io.deletionwatch.job.testing;

import java.time.Duration;
import java.time.Instant;

/** Named points in test time, counted from {@link ActivityRecords#BEGINNING}. */
public final class Times {
    private Times() {}

    public static Instant minute(long minutes) {
        return ActivityRecords.BEGINNING.plus(Duration.ofMinutes(minutes));
    }

    public static Instant minute(long minutes, long seconds) {
        return minute(minutes).plusSeconds(seconds);
    }

    public static Instant hour(long hours) {
        return ActivityRecords.BEGINNING.plus(Duration.ofHours(hours));
    }
}
