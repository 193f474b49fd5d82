package io.deletionwatch.connectors.source;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Builds the Flink {@link KafkaSource} that reads the Activity Log from the Event Hubs Kafka
 * endpoint (or from a plain Kafka broker locally) as {@link KafkaRecord}s.
 *
 * <p>Offsets are committed to the consumer group when a checkpoint completes: they show progress to
 * Azure tooling and let a job started without state resume where the last one stopped. The job's
 * own position lives in its checkpoints. Partition discovery runs every five minutes, so new
 * partitions, and with a pattern new event hubs, are picked up.
 */
public final class EventHubsSource {
    /**
     * Microsoft's recommended consumer settings for the Event Hubs Kafka endpoint: those of every
     * client ({@link KafkaClientProperties#EVENT_HUBS_RECOMMENDED}) and the group's timeouts.
     */
    static final Map<String, String> EVENT_HUBS_RECOMMENDED =
            Map.of(
                    "metadata.max.age.ms",
                    KafkaClientProperties.EVENT_HUBS_RECOMMENDED.get("metadata.max.age.ms"),
                    "connections.max.idle.ms",
                    KafkaClientProperties.EVENT_HUBS_RECOMMENDED.get("connections.max.idle.ms"),
                    "session.timeout.ms", "30000",
                    "heartbeat.interval.ms", "3000",
                    "max.poll.interval.ms", "300000");

    /** Flink's {@code KafkaSourceOptions} keys (that class's name is taken here by ours). */
    static final String PARTITION_DISCOVERY_INTERVAL_MS =
            org.apache.flink.connector.kafka.source.KafkaSourceOptions
                    .PARTITION_DISCOVERY_INTERVAL_MS
                    .key();

    static final String COMMIT_OFFSETS_ON_CHECKPOINT =
            org.apache.flink.connector.kafka.source.KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT
                    .key();

    static final String PARTITION_DISCOVERY_INTERVAL = "300000";

    private EventHubsSource() {}

    /**
     * The source for these options.
     *
     * @param connectionString required with security {@code eventhubs}, null with {@code none}
     * @throws IllegalArgumentException when the options and the connection string do not fit
     */
    public static KafkaSource<KafkaRecord> create(
            KafkaSourceOptions options, EventHubsConnectionString connectionString) {
        return builder(options, connectionString).build();
    }

    /**
     * A builder preset for these options, for callers that add to it, e.g. tests and replays that
     * stop at the latest offsets with {@code setBounded(OffsetsInitializer.latest())}.
     */
    public static KafkaSourceBuilder<KafkaRecord> builder(
            KafkaSourceOptions options, EventHubsConnectionString connectionString) {
        return builder(options, connectionString, new KafkaRecordDeserializer());
    }

    /**
     * A builder preset for these options with another deserializer: the job parses inside the
     * source so that watermarks are generated per partition from each event's own time.
     */
    public static <T> KafkaSourceBuilder<T> builder(
            KafkaSourceOptions options,
            EventHubsConnectionString connectionString,
            KafkaRecordDeserializationSchema<T> deserializer) {
        Properties properties = consumerProperties(options, connectionString);
        String topic = topic(options, connectionString);
        KafkaSourceBuilder<T> builder =
                KafkaSource.<T>builder()
                        .setProperties(properties)
                        .setStartingOffsets(startingOffsets(options.startingOffsets()))
                        .setDeserializer(deserializer);
        if (topic != null) {
            builder.setTopics(topic);
        } else {
            builder.setTopicPattern(Pattern.compile(options.topicPattern()));
        }
        return builder;
    }

    /** The consumer properties; they hold the secret with {@code eventhubs}: never log them. */
    static Properties consumerProperties(
            KafkaSourceOptions options, EventHubsConnectionString connectionString) {
        Properties props = new Properties();
        if (options.security() == KafkaSourceOptions.Security.EVENTHUBS) {
            props.putAll(EVENT_HUBS_RECOMMENDED);
        }
        props.setProperty(PARTITION_DISCOVERY_INTERVAL_MS, PARTITION_DISCOVERY_INTERVAL);
        props.putAll(options.properties());
        // The options refuse extra properties with these keys; set last all the same.
        props.setProperty(COMMIT_OFFSETS_ON_CHECKPOINT, "true");
        props.setProperty("group.id", options.groupId());
        props.putAll(KafkaClientProperties.connection(options, connectionString));
        return props;
    }

    /** The one topic to read, or null when a pattern is read; checks it against EntityPath. */
    static String topic(KafkaSourceOptions options, EventHubsConnectionString connectionString) {
        String entityPath =
                connectionString == null ? null : connectionString.entityPath().orElse(null);
        if (entityPath != null) {
            if (options.topicPattern() != null) {
                throw new IllegalArgumentException(
                        "the connection string is scoped to event hub '"
                                + entityPath
                                + "' (EntityPath) and cannot read a topic pattern; use a"
                                + " namespace-level connection string");
            }
            // Event hub names are case-insensitive.
            if (options.topic() != null && !options.topic().equalsIgnoreCase(entityPath)) {
                throw new IllegalArgumentException(
                        "the connection string is scoped to event hub '"
                                + entityPath
                                + "' (EntityPath) but the topic is '"
                                + options.topic()
                                + "'");
            }
            return options.topic() != null ? options.topic() : entityPath;
        }
        if (options.topic() == null && options.topicPattern() == null) {
            throw new IllegalArgumentException(
                    "give a topic (event hub) or a topic pattern to read, e.g."
                            + " insights-activity-logs");
        }
        return options.topic();
    }

    // OffsetResetStrategy is deprecated in kafka-clients 4.x, but flink-connector-kafka 5.0 takes
    // no other type for "committed, else reset".
    @SuppressWarnings("deprecation")
    static OffsetsInitializer startingOffsets(KafkaSourceOptions.StartingOffsets startingOffsets) {
        return switch (startingOffsets) {
            case COMMITTED_ELSE_EARLIEST ->
                    OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_ELSE_LATEST ->
                    OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
