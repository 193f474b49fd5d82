package io.deletionwatch.connectors.source;

import com.azure.messaging.eventhubs.models.EventPosition;

import org.apache.flink.api.connector.source.SourceSplit;

import java.time.Instant;

/**
 * One Event Hubs partition as a Flink split, with where reading resumes: after the sequence number
 * of the last event handed on (the checkpointed state), or, before any event was, from the earliest
 * event or after an enqueued time.
 *
 * @param start where to read from
 * @param value the sequence number for {@link Start#AFTER_SEQUENCE_NUMBER}, the epoch milliseconds
 *     for {@link Start#ENQUEUED_AFTER}, else 0
 * @param stoppingSequenceNumber the last sequence number to read (bounded reads); {@link
 *     #UNBOUNDED} for none, negative when there is nothing to read
 */
public record EventHubsPartitionSplit(
        String eventHub, String partitionId, Start start, long value, long stoppingSequenceNumber)
        implements SourceSplit {
    public static final long UNBOUNDED = Long.MAX_VALUE;

    public enum Start {
        EARLIEST,
        AFTER_SEQUENCE_NUMBER,
        ENQUEUED_AFTER
    }

    public static EventHubsPartitionSplit earliest(String hub, String partition, long stop) {
        return new EventHubsPartitionSplit(hub, partition, Start.EARLIEST, 0, stop);
    }

    public static EventHubsPartitionSplit afterSequenceNumber(
            String hub, String partition, long sequenceNumber, long stop) {
        return new EventHubsPartitionSplit(
                hub, partition, Start.AFTER_SEQUENCE_NUMBER, sequenceNumber, stop);
    }

    public static EventHubsPartitionSplit enqueuedAfter(
            String hub, String partition, Instant time, long stop) {
        return new EventHubsPartitionSplit(
                hub, partition, Start.ENQUEUED_AFTER, time.toEpochMilli(), stop);
    }

    @Override
    public String splitId() {
        return eventHub + "/" + partitionId;
    }

    /** The same partition, resumed after this sequence number. */
    public EventHubsPartitionSplit after(long sequenceNumber) {
        return afterSequenceNumber(eventHub, partitionId, sequenceNumber, stoppingSequenceNumber);
    }

    /** Whether a bounded split has nothing (more) to read. */
    public boolean isFinished() {
        if (stoppingSequenceNumber == UNBOUNDED) {
            return false;
        }
        return stoppingSequenceNumber < 0
                || (start == Start.AFTER_SEQUENCE_NUMBER && value >= stoppingSequenceNumber);
    }

    /**
     * The SDK's position for this start; sequence numbers are exclusive, so nothing is read twice.
     */
    EventPosition eventPosition() {
        return switch (start) {
            case EARLIEST -> EventPosition.earliest();
            case AFTER_SEQUENCE_NUMBER -> EventPosition.fromSequenceNumber(value, false);
            case ENQUEUED_AFTER -> EventPosition.fromEnqueuedTime(Instant.ofEpochMilli(value));
        };
    }
}
