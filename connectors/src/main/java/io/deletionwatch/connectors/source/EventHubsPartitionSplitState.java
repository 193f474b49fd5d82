package io.deletionwatch.connectors.source;

/**
 * A split being read: the split as assigned and the sequence number of the last event handed on.
 */
final class EventHubsPartitionSplitState {
    private final EventHubsPartitionSplit split;
    private long lastSequenceNumber;
    private boolean handedOn;

    EventHubsPartitionSplitState(EventHubsPartitionSplit split) {
        this.split = split;
        if (split.start() == EventHubsPartitionSplit.Start.AFTER_SEQUENCE_NUMBER) {
            lastSequenceNumber = split.value();
            handedOn = true;
        }
    }

    /** Whether an event (now or before the restore) has been handed on. */
    boolean hasPosition() {
        return handedOn;
    }

    long lastSequenceNumber() {
        return lastSequenceNumber;
    }

    void handedOn(long sequenceNumber) {
        lastSequenceNumber = sequenceNumber;
        handedOn = true;
    }

    /** The split to checkpoint: resumes after the last event handed on, if any. */
    EventHubsPartitionSplit toSplit() {
        return handedOn ? split.after(lastSequenceNumber) : split;
    }
}
