package io.deletionwatch.connectors.source;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.Map;
import java.util.function.Supplier;

/** The reader of {@link EventHubsAmqpSource}: Flink's single-fetcher reader over its partitions. */
final class EventHubsSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                EventHubsRecord, T, EventHubsPartitionSplit, EventHubsPartitionSplitState> {

    EventHubsSourceReader(
            Supplier<SplitReader<EventHubsRecord, EventHubsPartitionSplit>> splitReader,
            RecordEmitter<EventHubsRecord, T, EventHubsPartitionSplitState> emitter,
            Configuration config,
            SourceReaderContext context) {
        super(splitReader, emitter, config, context);
    }

    @Override
    public void start() {
        // Splits are pushed by the enumerator; nothing to ask for.
    }

    @Override
    protected void onSplitFinished(Map<String, EventHubsPartitionSplitState> finished) {}

    @Override
    protected EventHubsPartitionSplitState initializedState(EventHubsPartitionSplit split) {
        return new EventHubsPartitionSplitState(split);
    }

    @Override
    protected EventHubsPartitionSplit toSplitType(
            String splitId, EventHubsPartitionSplitState state) {
        return state.toSplit();
    }
}
