package io.deletionwatch.connectors.source;

import io.deletionwatch.connectors.elasticsearch.Secret;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * A Flink source (FLIP-27) that reads one event hub over AMQP with {@code
 * azure-messaging-eventhubs}, for namespaces without the Kafka endpoint (Basic tier, or turned
 * off).
 *
 * <p>One split per partition. The enumerator learns the partitions from the hub's properties,
 * assigns them across the readers (parallelism up to the partition count scales out) and lists them
 * again periodically. Each split's state is the sequence number of the last event handed on; it is
 * checkpointed, and a restore resumes right after it, so nothing is read twice or skipped. Without
 * a checkpoint, partitions start at {@link EventHubsAmqpOptions#startingPosition()}. Ownership of a
 * partition is Flink's assignment, not the SDK's processor load balancing; with an {@linkplain
 * EventHubsAmqpOptions#ownerLevel() owner level}, Event Hubs also keeps receivers of other jobs off
 * the partition.
 *
 * <p>The source carries only a reference to the connection string (an environment variable or a
 * file), which the enumerator and the readers read where they run: the secret never reaches the job
 * graph or a log.
 *
 * <p>Metrics of each reader: {@code eventsExpiredBeforeRead}, events between a checkpointed
 * position and the oldest retained event that expired before they were read; {@code
 * EventHubsSource.eventHub.<hub>.partition.<id>.lag}, events enqueued after the last one handed on
 * (from the SDK's last enqueued event properties; -1 until the first event); and Flink's {@code
 * pendingRecords}, the sum of the lags.
 */
public final class EventHubsAmqpSource<T>
        implements Source<T, EventHubsPartitionSplit, EventHubsEnumeratorState>,
                ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    /** The counter of events that expired between the checkpointed position and the earliest. */
    public static final String EXPIRED_EVENTS_METRIC = "eventsExpiredBeforeRead";

    private final Secret connectionString;
    private final EventHubsAmqpOptions options;
    private final EventHubsDeserializationSchema<T> deserializer;
    private final Boundedness boundedness;

    private EventHubsAmqpSource(
            Secret connectionString,
            EventHubsAmqpOptions options,
            EventHubsDeserializationSchema<T> deserializer,
            Boundedness boundedness) {
        this.connectionString = connectionString;
        this.options = options;
        this.deserializer = deserializer;
        this.boundedness = boundedness;
    }

    /**
     * The source for these options.
     *
     * @param connectionString read from the environment or a file (it must have an origin)
     * @throws IllegalArgumentException when the connection string has no origin or the event hub to
     *     read is missing or disagrees with its EntityPath
     */
    public static <T> EventHubsAmqpSource<T> create(
            EventHubsAmqpOptions options,
            EventHubsConnectionString connectionString,
            EventHubsDeserializationSchema<T> deserializer) {
        Secret origin =
                connectionString
                        .origin()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "the Event Hubs connection string must come from"
                                                        + " the environment or a file, so the"
                                                        + " readers can read it where they run"));
        String hub = EventHubsAmqpClients.eventHub(options, connectionString);
        EventHubsAmqpOptions resolved =
                new EventHubsAmqpOptions(
                        hub,
                        options.consumerGroup(),
                        options.startingPosition(),
                        options.partitionDiscoveryInterval(),
                        options.ownerLevel(),
                        options.prefetchCount(),
                        options.tryTimeout());
        return new EventHubsAmqpSource<>(
                origin, resolved, deserializer, Boundedness.CONTINUOUS_UNBOUNDED);
    }

    /** The source of {@link EventHubsRecord}s, each event as it is. */
    public static EventHubsAmqpSource<EventHubsRecord> create(
            EventHubsAmqpOptions options, EventHubsConnectionString connectionString) {
        return create(options, connectionString, EventHubsDeserializationSchema.records());
    }

    /**
     * The same source, ending once every partition has been read up to the last event enqueued when
     * the enumerator listed it (for replays and tests); partitions are not listed again.
     */
    public EventHubsAmqpSource<T> bounded() {
        return new EventHubsAmqpSource<>(
                connectionString, options, deserializer, Boundedness.BOUNDED);
    }

    public EventHubsAmqpOptions options() {
        return options;
    }

    @Override
    public Boundedness getBoundedness() {
        return boundedness;
    }

    @Override
    public SourceReader<T, EventHubsPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        // The same metric group as Flink's Kafka source gives its schema, so both sources' parsing
        // metrics have the same names.
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return context.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return context.getUserCodeClassLoader();
                    }
                });
        Counter expired = context.metricGroup().counter(EXPIRED_EVENTS_METRIC);
        return new EventHubsSourceReader<>(
                () -> new EventHubsPartitionSplitReader(connectionString, options),
                new EventHubsRecordEmitter<>(deserializer, expired),
                new Configuration(),
                context);
    }

    @Override
    public SplitEnumerator<EventHubsPartitionSplit, EventHubsEnumeratorState> createEnumerator(
            SplitEnumeratorContext<EventHubsPartitionSplit> context) {
        return new EventHubsSplitEnumerator(context, connectionString, options, boundedness, null);
    }

    @Override
    public SplitEnumerator<EventHubsPartitionSplit, EventHubsEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<EventHubsPartitionSplit> context,
            EventHubsEnumeratorState checkpoint) {
        return new EventHubsSplitEnumerator(
                context, connectionString, options, boundedness, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<EventHubsPartitionSplit> getSplitSerializer() {
        return EventHubsPartitionSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<EventHubsEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new EventHubsEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    @Override
    public String toString() {
        return "EventHubsAmqpSource[eventHub="
                + options.eventHub()
                + ", consumerGroup="
                + options.consumerGroup()
                + ", connectionString="
                + connectionString
                + "]";
    }
}
