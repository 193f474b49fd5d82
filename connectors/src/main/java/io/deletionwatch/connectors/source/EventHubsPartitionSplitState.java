package io.deletionwatch.connectors.source;

/**
 * A split being read: the split as assigned and the sequence number of the last event handed on.
 */
final class EventHubsPartitionSplitState {
    private final EventHubsPartitionSplit split;
    private volatile long lastSequenceNumber;
    private volatile boolean handedOn;
    private volatile long lastEnqueuedSequenceNumber = -1;

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

    void lastEnqueued(long sequenceNumber) {
        lastEnqueuedSequenceNumber = sequenceNumber;
    }

    /**
     * Events enqueued after the last one handed on; -1 until both are known (after the first event
     * read).
     */
    long lag() {
        long enqueued = lastEnqueuedSequenceNumber;
        if (!handedOn || enqueued < 0) {
            return -1;
        }
        return Math.max(0, enqueued - lastSequenceNumber);
    }

    String eventHub() {
        return split.eventHub();
    }

    String partitionId() {
        return split.partitionId();
    }

    /** The split to checkpoint: resumes after the last event handed on, if any. */
    EventHubsPartitionSplit toSplit() {
        return handedOn ? split.after(lastSequenceNumber) : split;
    }
}
