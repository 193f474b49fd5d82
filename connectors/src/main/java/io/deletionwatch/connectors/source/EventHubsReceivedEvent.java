package io.deletionwatch.connectors.source;

/**
 * An event as the split reader hands it to the emitter: the record, and the sequence number of the
 * partition's last enqueued event when it was delivered (the SDK's runtime metric), or -1.
 */
record EventHubsReceivedEvent(EventHubsRecord record, long lastEnqueuedSequenceNumber) {}
