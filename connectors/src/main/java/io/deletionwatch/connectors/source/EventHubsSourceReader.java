package io.deletionwatch.connectors.source;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The reader of {@link EventHubsAmqpSource}: Flink's single-fetcher reader over its partitions.
 * Metrics: {@code EventHubsSource.eventHub.<hub>.partition.<id>.lag} per partition (events enqueued
 * after the last one handed on; -1 until the first event) and Flink's standard {@code
 * pendingRecords}, their sum.
 */
final class EventHubsSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                EventHubsReceivedEvent, T, EventHubsPartitionSplit, EventHubsPartitionSplitState> {

    static final String METRIC_GROUP = "EventHubsSource";
    static final String LAG_METRIC = "lag";

    private final SourceReaderMetricGroup metrics;
    private final Map<String, EventHubsPartitionSplitState> reading = new ConcurrentHashMap<>();

    EventHubsSourceReader(
            Supplier<SplitReader<EventHubsReceivedEvent, EventHubsPartitionSplit>> splitReader,
            RecordEmitter<EventHubsReceivedEvent, T, EventHubsPartitionSplitState> emitter,
            Configuration config,
            SourceReaderContext context) {
        super(splitReader, emitter, config, context);
        this.metrics = context.metricGroup();
        metrics.setPendingRecordsGauge(this::pendingRecords);
    }

    /** The events enqueued after the last ones handed on, over the partitions with a known lag. */
    private long pendingRecords() {
        long pending = 0;
        for (EventHubsPartitionSplitState state : reading.values()) {
            pending += Math.max(0, state.lag());
        }
        return pending;
    }

    @Override
    public void start() {
        // Splits are pushed by the enumerator; nothing to ask for.
    }

    @Override
    protected void onSplitFinished(Map<String, EventHubsPartitionSplitState> finished) {
        reading.keySet().removeAll(finished.keySet());
    }

    @Override
    protected EventHubsPartitionSplitState initializedState(EventHubsPartitionSplit split) {
        EventHubsPartitionSplitState state = new EventHubsPartitionSplitState(split);
        reading.put(split.splitId(), state);
        metrics.addGroup(METRIC_GROUP)
                .addGroup("eventHub", split.eventHub())
                .addGroup("partition", split.partitionId())
                .gauge(LAG_METRIC, (Gauge<Long>) state::lag);
        return state;
    }

    @Override
    protected EventHubsPartitionSplit toSplitType(
            String splitId, EventHubsPartitionSplitState state) {
        return state.toSplit();
    }
}
