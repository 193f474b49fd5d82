package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.events.ActivityEvent;
import org.apache.flink.api.common.eventtime.TimestampAssigner;

/**
 * What the source emits: an event, or a dead letter. One type, so parsing can happen inside the
 * Kafka source and watermarks are generated per partition from the events' own {@code time}.
 */
public record ParsedRecord(ActivityEvent event, DeadLetter deadLetter) {

    public static ParsedRecord of(ActivityEvent event) {
        return new ParsedRecord(event, null);
    }

    public static ParsedRecord of(DeadLetter deadLetter) {
        return new ParsedRecord(null, deadLetter);
    }

    /**
     * Event time for watermarks. Dead letters have none: a dead letter must not move the
     * watermark, least of all with an arrival time that is minutes ahead of event time.
     */
    public long timestamp() {
        return event != null ? event.time().toEpochMilli() : TimestampAssigner.NO_TIMESTAMP;
    }
}
