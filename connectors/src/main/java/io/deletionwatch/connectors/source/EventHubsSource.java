package io.deletionwatch.connectors.source;

import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.config.AbstractConfig;

import java.util.Arrays;
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
 *
 * <p>The source is serialized into the Flink job, so its properties hold no secret: the Event Hubs
 * connection string and the truststore password are references that {@link SecretConfigProvider}
 * resolves where each Kafka client is made, on the JobManager (the split enumerator) and on the
 * TaskManagers (the readers). Both need the environment variable or the file.
 */
public final class EventHubsSource {
    /**
     * Microsoft's recommended consumer settings for the Event Hubs Kafka endpoint. The service
     * closes connections idle for 240 s, so the client closes them first.
     */
    static final Map<String, String> EVENT_HUBS_RECOMMENDED =
            Map.of(
                    "metadata.max.age.ms", "180000",
                    "connections.max.idle.ms", "180000",
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

    /**
     * The consumer properties. They hold references to the secrets, never the secrets: the
     * connection string must have been read from the environment or a file.
     */
    static Properties consumerProperties(
            KafkaSourceOptions options, EventHubsConnectionString connectionString) {
        Properties props = new Properties();
        if (options.security() == Security.EVENTHUBS) {
            props.putAll(EVENT_HUBS_RECOMMENDED);
        }
        props.setProperty(PARTITION_DISCOVERY_INTERVAL_MS, PARTITION_DISCOVERY_INTERVAL);
        props.putAll(options.properties());
        // The options refuse extra properties with these keys; set last all the same.
        props.setProperty(COMMIT_OFFSETS_ON_CHECKPOINT, "true");
        props.setProperty("group.id", options.groupId());
        props.putAll(
                KafkaClientProperties.connection(
                        options, connectionString, KafkaClientProperties.Secrets.REFERENCED));
        if (options.security() == Security.EVENTHUBS
                || (options.truststore() != null && options.truststore().password() != null)) {
            addSecretConfigProvider(props);
        }
        return props;
    }

    /**
     * Registers {@link SecretConfigProvider} beside any providers of the user's. Kafka refuses
     * providers that the JVM property {@value AbstractConfig#AUTOMATIC_CONFIG_PROVIDERS_PROPERTY}
     * does not list, when it is set: say so here rather than in the TaskManagers' logs.
     */
    private static void addSecretConfigProvider(Properties props) {
        String provider = SecretConfigProvider.class.getName();
        String allowed = System.getProperty(AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY);
        if (allowed != null
                && Arrays.stream(allowed.split(",")).map(String::strip).noneMatch(provider::equals)) {
            throw new IllegalArgumentException(
                    "the system property "
                            + AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY
                            + " does not allow "
                            + provider
                            + ", which reads the Kafka secrets where the job runs; add it to the"
                            + " list, here and on the JobManager and TaskManagers");
        }
        String providers = props.getProperty(AbstractConfig.CONFIG_PROVIDERS_CONFIG, "").strip();
        props.setProperty(
                AbstractConfig.CONFIG_PROVIDERS_CONFIG,
                providers.isEmpty()
                        ? SecretConfigProvider.ALIAS
                        : providers + "," + SecretConfigProvider.ALIAS);
        props.setProperty(
                AbstractConfig.CONFIG_PROVIDERS_CONFIG
                        + "."
                        + SecretConfigProvider.ALIAS
                        + ".class",
                provider);
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
