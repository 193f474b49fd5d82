package io.deletionwatch.connectors.source;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Where {@link EventHubsAmqpSource} starts reading a partition it has no checkpointed position for:
 * {@code earliest} (the oldest retained event), {@code latest} (events enqueued after the source
 * first saw the partition) or an ISO-8601 instant (events enqueued after it). Partitions added to
 * the hub while the job runs are always read from the earliest event, so none is missed.
 *
 * @param time the instant for {@link Kind#ENQUEUED_AFTER}, else null
 */
public record EventHubsStartingPosition(Kind kind, Instant time) implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        EARLIEST,
        LATEST,
        ENQUEUED_AFTER
    }

    public EventHubsStartingPosition {
        if (kind == null || (kind == Kind.ENQUEUED_AFTER) != (time != null)) {
            throw new IllegalArgumentException("a time is given exactly for ENQUEUED_AFTER");
        }
    }

    public static EventHubsStartingPosition earliest() {
        return new EventHubsStartingPosition(Kind.EARLIEST, null);
    }

    public static EventHubsStartingPosition latest() {
        return new EventHubsStartingPosition(Kind.LATEST, null);
    }

    public static EventHubsStartingPosition enqueuedAfter(Instant time) {
        return new EventHubsStartingPosition(Kind.ENQUEUED_AFTER, time);
    }

    /**
     * Parses {@code earliest}, {@code latest} or an ISO-8601 instant such as {@code
     * 2026-03-01T10:15:00Z}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static EventHubsStartingPosition parse(String value) {
        String v = value == null ? "" : value.strip();
        switch (v.toLowerCase(Locale.ROOT)) {
            case "earliest":
                return earliest();
            case "latest":
                return latest();
            default:
                try {
                    return enqueuedAfter(Instant.parse(v));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(
                            "the starting position is earliest, latest or an ISO-8601 instant such"
                                    + " as 2026-03-01T10:15:00Z, got '"
                                    + v
                                    + "'");
                }
        }
    }

    @Override
    public String toString() {
        return kind == Kind.ENQUEUED_AFTER ? time.toString() : kind.name().toLowerCase(Locale.ROOT);
    }
}
