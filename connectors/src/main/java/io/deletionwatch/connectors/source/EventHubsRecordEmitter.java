package io.deletionwatch.connectors.source;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each event on through the deserializer, with its enqueued time as the record's timestamp,
 * and moves the split's position to it. An event at or before the position (a redelivery after a
 * reconnect) is dropped, so none is handed on twice. A jump in sequence numbers means events
 * expired before they were read (Event Hubs numbers a partition's events without gaps): it is
 * logged in one line and counted, and reading goes on from the earliest retained event.
 */
final class EventHubsRecordEmitter<T>
        implements RecordEmitter<EventHubsReceivedEvent, T, EventHubsPartitionSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsRecordEmitter.class);

    private final EventHubsDeserializationSchema<T> deserializer;
    private final Counter expiredEvents;
    private final OutputCollector<T> collector = new OutputCollector<>();

    EventHubsRecordEmitter(EventHubsDeserializationSchema<T> deserializer, Counter expiredEvents) {
        this.deserializer = deserializer;
        this.expiredEvents = expiredEvents;
    }

    @Override
    public void emitRecord(
            EventHubsReceivedEvent event,
            SourceOutput<T> output,
            EventHubsPartitionSplitState state)
            throws Exception {
        EventHubsRecord record = event.record();
        long sequence = record.sequenceNumber();
        if (event.lastEnqueuedSequenceNumber() >= 0) {
            state.lastEnqueued(event.lastEnqueuedSequenceNumber());
        }
        if (state.hasPosition()) {
            long last = state.lastSequenceNumber();
            if (sequence <= last) {
                return;
            }
            if (sequence > last + 1) {
                long missed = sequence - last - 1;
                expiredEvents.inc(missed);
                LOG.warn(
                        "Event hub {} partition {}: {} events (sequence numbers {} to {}) expired"
                                + " before they were read; going on from {}",
                        record.eventHub(),
                        record.partitionId(),
                        missed,
                        last + 1,
                        sequence - 1,
                        sequence);
            }
        }
        collector.output = output;
        collector.timestamp = record.enqueuedTime();
        deserializer.deserialize(record, collector);
        state.handedOn(sequence);
    }

    private static final class OutputCollector<T> implements Collector<T> {
        SourceOutput<T> output;
        long timestamp;

        @Override
        public void collect(T value) {
            output.collect(value, timestamp);
        }

        @Override
        public void close() {}
    }
}
