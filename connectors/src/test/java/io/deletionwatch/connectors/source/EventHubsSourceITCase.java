package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.testing.CapturedLogs;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.KafkaSourceOptions.Security;
import io.deletionwatch.connectors.source.KafkaSourceOptions.StartingOffsets;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The source against a real Kafka broker whose EVENTHUBS listener behaves like Event Hubs. The
 * listener's secret is this JVM's {@code EVENTHUBS_CONNECTION_STRING}, which the source reads
 * where its Kafka clients are made, as on a cluster; the truststore password comes from a file.
 */
class EventHubsSourceITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            KafkaBrokerExtension.withConnectionStringFromEnvironment();

    @TempDir static Path dir;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long T0 = 1_772_360_100_123L; // 2026-03-01T10:15:00.123Z

    /** What the assertions compare: a KafkaRecord with its value as text. */
    record Seen(String topic, int partition, long offset, long timestamp, String value) {
        static Seen of(KafkaRecord record) {
            return new Seen(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsEveryRecordOfEveryPartitionThroughTheEventHubsEndpointWithUserSettings()
            throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("insights-activity-logs", 2);
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(
                    List.of(
                            record(topic, 0, T0, "{\"records\":[1]}"),
                            record(topic, 1, T0 + 1, "{\"records\":[2]}"),
                            record(topic, 0, T0 + 2, "{\"records\":[3]}"),
                            record(topic, 1, T0 + 3, null),
                            record(topic, 0, T0 + 4, "not json")));
        }
        // Exactly what a user configures for Event Hubs, plus the local broker's address and CA.
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .bootstrapServers(broker.eventHubsBootstrap())
                        .topic(topic)
                        .groupId("deletion-watch")
                        .truststore(broker.truststorePath(), truststorePassword(broker))
                        .build();
        EventHubsConnectionString connectionString =
                EventHubsConnectionString.fromEnvironment().orElseThrow();

        List<Seen> seen;
        try (CapturedLogs logs = new CapturedLogs()) {
            seen = readToLatest(options, connectionString);

            assertThat(logs.text())
                    .contains("sasl.jaas.config = [hidden]")
                    .doesNotContain(sharedAccessKey(broker.eventHubsConnectionString()));
        }

        assertThat(seen)
                .containsExactlyInAnyOrder(
                        new Seen(topic, 0, 0, T0, "{\"records\":[1]}"),
                        new Seen(topic, 0, 1, T0 + 2, "{\"records\":[3]}"),
                        new Seen(topic, 0, 2, T0 + 4, "not json"),
                        new Seen(topic, 1, 0, T0 + 1, "{\"records\":[2]}"),
                        new Seen(topic, 1, 1, T0 + 3, ""));
    }

    @Test
    void readsWithTheConnectionStringFromAFileEndingInALineBreak() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("insights-activity-logs", 1);
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(List.of(record(topic, 0, T0, "from a file")));
        }
        Path file =
                Files.writeString(
                        Files.createTempFile(dir, "eventhubs", ""),
                        broker.eventHubsConnectionString() + "\n");
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .bootstrapServers(broker.eventHubsBootstrap())
                        .topic(topic)
                        .groupId("deletion-watch")
                        .truststore(broker.truststorePath(), truststorePassword(broker))
                        .build();

        try (CapturedLogs logs = new CapturedLogs()) {
            assertThat(readToLatest(options, EventHubsConnectionString.fromFile(file)))
                    .containsExactly(new Seen(topic, 0, 0, T0, "from a file"));

            assertThat(logs.text())
                    .contains("sasl.jaas.config = [hidden]")
                    .doesNotContain(sharedAccessKey(broker.eventHubsConnectionString()));
        }
    }

    @Test
    void wrongConnectionStringFailsTheJobWithSaslAuthenticationAndNeverShowsAKey()
            throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("insights-activity-logs", 2);
        String wrong = KafkaBroker.randomConnectionString();
        Path file = Files.writeString(Files.createTempFile(dir, "wrong", ""), wrong + "\n");
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .bootstrapServers(broker.eventHubsBootstrap())
                        .topic(topic)
                        .groupId("deletion-watch")
                        .truststore(broker.truststorePath(), truststorePassword(broker))
                        .build();

        try (CapturedLogs logs = new CapturedLogs()) {
            assertThatThrownBy(() -> readToLatest(options, EventHubsConnectionString.fromFile(file)))
                    .satisfies(
                            failure -> {
                                assertThat(
                                                ExceptionUtils.findThrowableSerializedAware(
                                                        failure,
                                                        SaslAuthenticationException.class,
                                                        getClass().getClassLoader()))
                                        .isPresent();
                                assertThat(ExceptionUtils.stringifyException(failure))
                                        .doesNotContain(sharedAccessKey(wrong))
                                        .doesNotContain(
                                                sharedAccessKey(
                                                        broker.eventHubsConnectionString()));
                            });

            assertThat(logs.text())
                    .contains("sasl.jaas.config = [hidden]")
                    .doesNotContain(sharedAccessKey(wrong));
        }
    }

    @Test
    void readsAPlainKafkaBrokerWithSecurityNone() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("local", 2);
        try (TopicPublisher publisher = new TopicPublisher(broker.plaintextClientProperties())) {
            publisher.publish(
                    List.of(
                            record(topic, 1, T0, "first"),
                            record(topic, 1, T0 + 1, "second"),
                            record(topic, 0, T0 + 2, "third")));
        }
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .security(Security.NONE)
                        .bootstrapServers(broker.plaintextBootstrap())
                        .topic(topic)
                        .groupId("deletion-watch-local")
                        .build();

        assertThat(readToLatest(options, null))
                .containsExactlyInAnyOrder(
                        new Seen(topic, 1, 0, T0, "first"),
                        new Seen(topic, 1, 1, T0 + 1, "second"),
                        new Seen(topic, 0, 0, T0 + 2, "third"));
    }

    @Test
    void readsEveryTopicMatchingThePattern() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        // Other tests' topics live on the same broker: this test's names carry their own prefix.
        String operational = KAFKA.newTopic("pattern-insights-operational-logs", 1);
        String activity = KAFKA.newTopic("pattern-insights-activity-logs", 1);
        String other = KAFKA.newTopic("pattern-unrelated", 1);
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(
                    List.of(
                            record(operational, 0, T0, "legacy"),
                            record(activity, 0, T0 + 1, "current"),
                            record(other, 0, T0 + 2, "ignored")));
        }
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .bootstrapServers(broker.eventHubsBootstrap())
                        .topicPattern("pattern-insights-(activity|operational)-logs-[0-9]+")
                        .groupId("deletion-watch")
                        .truststore(broker.truststorePath(), truststorePassword(broker))
                        .build();

        assertThat(
                        readToLatest(
                                options,
                                EventHubsConnectionString.fromEnvironment().orElseThrow()))
                .containsExactlyInAnyOrder(
                        new Seen(operational, 0, 0, T0, "legacy"),
                        new Seen(activity, 0, 0, T0 + 1, "current"));
    }

    @Test
    void offsetsCommittedOnCheckpointsLetTheNextSourceOfTheGroupStartAfterThem() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("insights-activity-logs", 2);
        String group = "resume-test";
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(
                    List.of(
                            record(topic, 0, T0, "old-0"),
                            record(topic, 0, T0 + 1, "old-1"),
                            record(topic, 1, T0 + 2, "old-2")));
        }
        EventHubsConnectionString connectionString =
                EventHubsConnectionString.fromEnvironment().orElseThrow();
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .bootstrapServers(broker.eventHubsBootstrap())
                        .topic(topic)
                        .groupId(group)
                        .truststore(broker.truststorePath(), truststorePassword(broker))
                        .build();

        // An unbounded job commits on every completed checkpoint; stop it once all is committed.
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromSource(
                        EventHubsSource.create(options, connectionString),
                        WatermarkStrategy.noWatermarks(),
                        "event-hubs")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("commit offsets");
        try {
            awaitCommitted(
                    broker,
                    group,
                    Map.of(
                            new TopicPartition(topic, 0), 2L,
                            new TopicPartition(topic, 1), 1L));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            awaitTerminal(job);
        }
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(
                    List.of(record(topic, 0, T0 + 3, "new-0"), record(topic, 1, T0 + 4, "new-1")));
        }

        assertThat(readToLatest(options, connectionString))
                .containsExactlyInAnyOrder(
                        new Seen(topic, 0, 2, T0 + 3, "new-0"),
                        new Seen(topic, 1, 1, T0 + 4, "new-1"));
    }

    @Test
    void aGroupWithoutCommittedOffsetsStartsAtTheEndWithCommittedElseLatest() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("insights-activity-logs", 2);
        try (TopicPublisher publisher = new TopicPublisher(broker.plaintextClientProperties())) {
            publisher.publish(
                    List.of(record(topic, 0, T0, "before"), record(topic, 1, T0, "before")));
        }
        KafkaSourceOptions options =
                KafkaSourceOptions.builder()
                        .security(Security.NONE)
                        .bootstrapServers(broker.plaintextBootstrap())
                        .topic(topic)
                        .groupId("fresh-group")
                        .startingOffsets(StartingOffsets.COMMITTED_ELSE_LATEST)
                        .build();

        assertThat(readToLatest(options, null)).isEmpty();
    }

    /** Runs a job that reads from the starting offsets up to the latest ones and collects all. */
    private static List<Seen> readToLatest(
            KafkaSourceOptions options, EventHubsConnectionString connectionString)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        KafkaSource<KafkaRecord> source =
                EventHubsSource.builder(options, connectionString)
                        .setBounded(OffsetsInitializer.latest())
                        .build();
        List<Seen> seen = new ArrayList<>();
        CloseableIterator<KafkaRecord> records =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "event-hubs")
                        .executeAndCollect("read to latest");
        try {
            records.forEachRemaining(record -> seen.add(Seen.of(record)));
        } finally {
            records.close();
        }
        return seen;
    }

    private static void awaitCommitted(
            KafkaBroker broker, String group, Map<TopicPartition, Long> expected) throws Exception {
        try (Admin admin = Admin.create(broker.plaintextClientProperties())) {
            Eventually.await(
                    "group " + group + " to commit " + expected,
                    Duration.ofSeconds(60),
                    () -> committed(admin, group).equals(expected));
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .entrySet()
                .stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static void awaitTerminal(JobClient job) throws Exception {
        Eventually.await(
                "the job to end",
                Duration.ofSeconds(60),
                () -> job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState());
        assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.CANCELED);
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, int partition, long timestamp, String value) {
        return new ProducerRecord<>(
                topic,
                partition,
                timestamp,
                null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static Secret truststorePassword(KafkaBroker broker) {
        return Secret.file(broker.truststorePasswordFile().toString());
    }

    private static String sharedAccessKey(String connectionString) {
        String marker = "SharedAccessKey=";
        return connectionString.substring(connectionString.indexOf(marker) + marker.length());
    }
}
