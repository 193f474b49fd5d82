package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.ReceiveOptions;

import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint.StoredEventView;
import io.deletionwatch.connectors.testing.CapturedLogs;
import io.deletionwatch.connectors.testing.CollectingSink;
import io.deletionwatch.connectors.testing.Eventually;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The AMQP source on a MiniCluster against the local Event Hubs endpoint, through the real SDK. The
 * connection string comes from a file, as on a cluster with a mounted secret.
 */
class EventHubsAmqpSourceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path dir;

    private static EventHubsEndpoint endpoint;
    private static EventHubsConnectionString connectionString;

    /** What the assertions compare: an EventHubsRecord with its body as text. */
    record Seen(
            String hub,
            String partition,
            long sequenceNumber,
            String offset,
            long enqueuedTime,
            String body) {
        static Seen of(EventHubsRecord r) {
            return new Seen(
                    r.eventHub(),
                    r.partitionId(),
                    r.sequenceNumber(),
                    r.offset(),
                    r.enqueuedTime(),
                    new String(r.body(), StandardCharsets.UTF_8));
        }

        static Seen of(String hub, String partition, StoredEventView e) {
            return new Seen(
                    hub,
                    partition,
                    e.sequenceNumber(),
                    e.offset(),
                    e.enqueuedTime().toEpochMilli(),
                    new String(e.body(), StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        endpoint =
                EventHubsEndpoint.builder()
                        .eventHub("bounded-1", 2)
                        .eventHub("bounded-2", 2)
                        .eventHub("savepoint", 2)
                        .eventHub("growing", 1)
                        .eventHub("latest", 1)
                        .eventHub("owned", 1)
                        .eventHub("refused", 1)
                        .eventHub("expiring", 1)
                        .eventHub("quiet-1", 2)
                        .eventHub("quiet-2", 2)
                        .eventHub("hostile", 1)
                        .consumerGroup("savepoint", "deletion-watch")
                        .start();
        Path file = dir.resolve("eventhubs-connection-string");
        Files.writeString(file, endpoint.connectionString() + "\n");
        connectionString = EventHubsConnectionString.fromFile(file);
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private static void publish(String hub, String partition, String... bodies) {
        List<byte[]> bytes = new ArrayList<>();
        for (String body : bodies) {
            bytes.add(body.getBytes(StandardCharsets.UTF_8));
        }
        endpoint.publish(hub, partition, bytes);
    }

    /** Every stored event of the hub's partitions, as the source should emit them. */
    private static List<Seen> stored(String hub, String... partitions) {
        List<Seen> all = new ArrayList<>();
        for (String partition : partitions) {
            for (StoredEventView e : endpoint.events(hub, partition)) {
                all.add(Seen.of(hub, partition, e));
            }
        }
        return all;
    }

    private static EventHubsAmqpOptions options(String hub) {
        return EventHubsAmqpOptions.defaults(hub).withTryTimeout(Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void readsEveryEventOfTwoPartitionsExactlyOnce(int parallelism) throws Exception {
        String hub = "bounded-" + parallelism;
        publish(hub, "0", "a0", "a1", "a2", "a3", "a4");
        publish(hub, "1", "b0", "b1", "b2", "b3", "b4", "b5", "b6");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        List<Seen> seen = new ArrayList<>();
        try (CloseableIterator<EventHubsRecord> records =
                env.fromSource(
                                EventHubsAmqpSource.create(options(hub), connectionString)
                                        .bounded(),
                                WatermarkStrategy.noWatermarks(),
                                "Event Hubs (AMQP)")
                        .uid("eventhubs-amqp-source")
                        .executeAndCollect("bounded AMQP read")) {
            records.forEachRemaining(r -> seen.add(Seen.of(r)));
        }

        assertThat(seen).hasSize(12).containsExactlyInAnyOrderElementsOf(stored(hub, "0", "1"));
        assertThat(seen.stream().filter(s -> s.partition().equals("1")).map(Seen::body))
                .as("one partition's events stay in order")
                .containsExactly("b0", "b1", "b2", "b3", "b4", "b5", "b6");
    }

    @Test
    void resumesAfterStopWithSavepointWithoutReadingAnyEventTwice() throws Exception {
        String hub = "savepoint";
        publish(hub, "0", "a0", "a1", "a2", "a3");
        publish(hub, "1", "b0", "b1", "b2");
        EventHubsAmqpOptions options = options(hub).withConsumerGroup("deletion-watch");
        CollectingSink<Seen> sink = new CollectingSink<>();

        JobClient first = runUnbounded(options, sink, null);
        Eventually.await(
                "the first run reads 7 events", Duration.ofSeconds(60), () -> sink.count() == 7);
        String savepoint =
                first.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        assertThat(sink.received()).containsExactlyInAnyOrderElementsOf(stored(hub, "0", "1"));

        publish(hub, "0", "a4", "a5");
        publish(hub, "1", "b3", "b4", "b5");
        JobClient second = runUnbounded(options, sink, savepoint);
        try {
            Eventually.await(
                    "the resumed run reads the 5 new events",
                    Duration.ofSeconds(60),
                    () -> sink.count() >= 12);
            // Events published after the restore are read too, once.
            publish(hub, "1", "b6");
            Eventually.await(
                    "the resumed run reads one more",
                    Duration.ofSeconds(60),
                    () -> sink.count() >= 13);
        } finally {
            second.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(sink.received())
                .as("every event exactly once over both runs")
                .hasSize(13)
                .containsExactlyInAnyOrderElementsOf(stored(hub, "0", "1"));
    }

    @Test
    void readsAPartitionAddedWhileTheJobRuns() throws Exception {
        String hub = "growing";
        publish(hub, "0", "a0");
        CollectingSink<Seen> sink = new CollectingSink<>();
        JobClient job =
                runUnbounded(
                        options(hub).withPartitionDiscoveryInterval(Duration.ofMillis(300)),
                        sink,
                        null);
        try {
            Eventually.await(
                    "the first partition's event", Duration.ofSeconds(60), () -> sink.count() == 1);
            endpoint.addPartitions(hub, 1);
            publish(hub, "1", "b0", "b1");
            Eventually.await(
                    "the new partition's events", Duration.ofSeconds(60), () -> sink.count() == 3);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(sink.received()).containsExactlyInAnyOrderElementsOf(stored(hub, "0", "1"));
    }

    @Test
    void startsAfterTheLastEnqueuedEventWithLatest() throws Exception {
        String hub = "latest";
        publish(hub, "0", "old-0", "old-1");
        CollectingSink<Seen> sink = new CollectingSink<>();
        JobClient job =
                runUnbounded(
                        options(hub).withStartingPosition(EventHubsStartingPosition.latest()),
                        sink,
                        null);
        try {
            Eventually.await(
                    "the reader's receiver is attached",
                    Duration.ofSeconds(60),
                    () -> endpoint.receivers(hub, "0") == 1);
            publish(hub, "0", "new-2");
            Eventually.await("the new event", Duration.ofSeconds(60), () -> sink.count() == 1);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(sink.received())
                .extracting(Seen::body, Seen::sequenceNumber)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("new-2", 2L));
    }

    @Test
    void failsTheJobWhenAReceiverWithAHigherEpochTakesThePartitionOver() throws Exception {
        String hub = "owned";
        publish(hub, "0", "e0");
        CollectingSink<Seen> sink = new CollectingSink<>();
        JobClient job = runUnbounded(options(hub).withOwnerLevel(0L), sink, null);
        EventHubConsumerAsyncClient other =
                new EventHubClientBuilder()
                        .connectionString(endpoint.connectionString(), hub)
                        .consumerGroup(EventHubsAmqpOptions.DEFAULT_CONSUMER_GROUP)
                        .buildAsyncConsumerClient();
        List<String> otherGot = new CopyOnWriteArrayList<>();
        try {
            Eventually.await("the job reads e0", Duration.ofSeconds(60), () -> sink.count() == 1);
            other.receiveFromPartition(
                            "0", EventPosition.earliest(), new ReceiveOptions().setOwnerLevel(1L))
                    .subscribe(e -> otherGot.add(e.getData().getBodyAsString()));

            Throwable failure =
                    org.assertj.core.api.Assertions.catchThrowable(
                            () -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS));

            // Event Hubs disconnects the lower epoch with amqp:link:stolen; the job fails over
            // (here: fails, restarts are off) instead of sharing the partition.
            assertThat(ExceptionUtils.stringifyException(failure))
                    .contains(
                            "reading Event Hubs partition owned/0 (consumer group $Default)"
                                    + " failed: New receiver with higher epoch of '1' is created");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.FAILED);
            Eventually.await(
                    "the other receiver reads the partition",
                    Duration.ofSeconds(20),
                    () -> otherGot.size() == 1);
            assertThat(sink.received()).extracting(Seen::body).containsExactly("e0");
        } finally {
            other.close();
        }
    }

    @Test
    void failsWithOneLineAndNoSecretWhenTheKeyIsRefused() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        Path file = dir.resolve("wrong-key");
        Files.writeString(file, endpoint.connectionString(wrongKey));
        publish("refused", "0", "never read");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(conf);
        env.fromSource(
                        EventHubsAmqpSource.create(
                                        options("refused"),
                                        EventHubsConnectionString.fromFile(file))
                                .bounded(),
                        WatermarkStrategy.noWatermarks(),
                        "Event Hubs (AMQP)")
                .uid("eventhubs-amqp-source")
                .sinkTo(new CollectingSink<>())
                .uid("collect")
                .name("Collect");

        try (CapturedLogs logs = new CapturedLogs()) {
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(env::execute);

            String message =
                    ExceptionUtils.findThrowableWithMessage(
                                    failure, "cannot list the partitions of the event hub")
                            .orElseThrow()
                            .getMessage();
            assertThat(message)
                    .startsWith(
                            "cannot list the partitions of the event hub: status-code: 401,"
                                    + " status-description: InvalidSignature: The token has an"
                                    + " invalid signature.")
                    .doesNotContain("\n")
                    .doesNotContain(wrongKey);
            assertThat(ExceptionUtils.stringifyException(failure)).doesNotContain(wrongKey);
            assertThat(logs.text()).doesNotContain(wrongKey).doesNotContain(sharedAccessKey());
        }
    }

    @Test
    void failsWhenTheConsumerGroupDoesNotExist() throws Exception {
        publish("refused", "0", "for the reader");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSource(
                        EventHubsAmqpSource.create(
                                        options("refused").withConsumerGroup("nobody"),
                                        connectionString)
                                .bounded(),
                        WatermarkStrategy.noWatermarks(),
                        "Event Hubs (AMQP)")
                .uid("eventhubs-amqp-source")
                .sinkTo(new CollectingSink<>())
                .uid("collect")
                .name("Collect");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(conf);

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(env::execute);

        assertThat(ExceptionUtils.stringifyException(failure))
                .contains(
                        "reading Event Hubs partition refused/0 (consumer group nobody) failed:"
                                + " The messaging entity"
                                + " 'sb://127.0.0.1/refused/consumergroups/nobody' could not be"
                                + " found.");
    }

    @Test
    void goesOnFromTheEarliestEventWhenTheCheckpointedPositionHasExpired() throws Exception {
        String hub = "expiring";
        publish(hub, "0", "e0", "e1", "e2");
        CollectingSink<Seen> sink = new CollectingSink<>();
        JobClient first = runUnbounded(options(hub), sink, null);
        Eventually.await("the first run reads 3", Duration.ofSeconds(60), () -> sink.count() == 3);
        String savepoint =
                first.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        publish(hub, "0", "e3", "e4", "e5");
        endpoint.expireBefore(hub, "0", 5);

        try (CapturedLogs logs = new CapturedLogs()) {
            JobClient second = runUnbounded(options(hub), sink, savepoint);
            try {
                Eventually.await(
                        "the resumed run reads e5",
                        Duration.ofSeconds(60),
                        () -> sink.count() == 4);
            } finally {
                second.cancel().get(60, TimeUnit.SECONDS);
            }
            assertThat(logs.text())
                    .contains(
                            "Event hub expiring partition 0: 2 events (sequence numbers 3 to 4)"
                                    + " expired before they were read; going on from 5");
        }
        assertThat(sink.received()).extracting(Seen::body).containsExactly("e0", "e1", "e2", "e5");
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void theWatermarkAdvancesPastAQuietPartitionAfterIdleness(int parallelism) throws Exception {
        String hub = "quiet-" + parallelism;
        publish(hub, "0", "first");
        long first = endpoint.events(hub, "0").get(0).enqueuedTime().toEpochMilli();
        CollectingSink<Long> watermarks = new CollectingSink<>();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.getConfig().setAutoWatermarkInterval(50);
        env.fromSource(
                        EventHubsAmqpSource.create(options(hub), connectionString),
                        // Timestamps are the enqueued times; partition 1 never has an event.
                        WatermarkStrategy.<EventHubsRecord>forMonotonousTimestamps()
                                .withIdleness(Duration.ofMillis(500)),
                        "Event Hubs (AMQP)")
                .uid("eventhubs-amqp-source")
                .process(new WatermarkOnArrival())
                .uid("watermark-on-arrival")
                .name("Watermark on arrival")
                .setParallelism(1)
                .sinkTo(watermarks)
                .uid("collect")
                .name("Collect");
        JobClient job = env.executeAsync("idle partition");
        try {
            // Each poll publishes one more event to partition 0 until one arrives behind a
            // watermark past the first event: only an idle partition 1 lets it get there.
            Eventually.await(
                    "the watermark passes the first event",
                    Duration.ofSeconds(60),
                    () -> {
                        publish(hub, "0", "tick");
                        return watermarks.received().stream().anyMatch(w -> w >= first);
                    });
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertThat(endpoint.events(hub, "1")).isEmpty();
    }

    /** The operator's watermark when each element arrives. */
    static final class WatermarkOnArrival
            extends org.apache.flink.streaming.api.functions.ProcessFunction<
                    EventHubsRecord, Long> {
        @Override
        public void processElement(
                EventHubsRecord record, Context ctx, org.apache.flink.util.Collector<Long> out) {
            out.collect(ctx.timerService().currentWatermark());
        }
    }

    @Test
    void handsOnEveryBodyAsItsBytesHoweverHostile() throws Exception {
        String hub = "hostile";
        byte[] notUtf8 = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF};
        byte[] huge = new byte[900 * 1024];
        java.util.Arrays.fill(huge, (byte) '{');
        endpoint.publish(hub, "0", List.of(notUtf8, new byte[0], huge));
        endpoint.publishAmqpValue(hub, "0", "{\"records\": []}");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<EventHubsRecord> seen = new ArrayList<>();
        try (CloseableIterator<EventHubsRecord> records =
                env.fromSource(
                                EventHubsAmqpSource.create(options(hub), connectionString)
                                        .bounded(),
                                WatermarkStrategy.noWatermarks(),
                                "Event Hubs (AMQP)")
                        .uid("eventhubs-amqp-source")
                        .executeAndCollect("hostile bodies")) {
            records.forEachRemaining(seen::add);
        }

        assertThat(seen)
                .extracting(EventHubsRecord::sequenceNumber)
                .containsExactly(0L, 1L, 2L, 3L);
        assertThat(seen.get(0).body()).containsExactly(notUtf8);
        assertThat(seen.get(1).body()).isEmpty();
        assertThat(seen.get(2).body()).isEqualTo(huge);
        // EventHubs 5.21's MessageUtils.toAmqpAnnotatedMessage reads only Data bodies; any other
        // body comes as empty data, so the job dead-letters it with its position.
        assertThat(seen.get(3).body()).isEmpty();
        assertThat(seen)
                .extracting(EventHubsRecord::eventHub, EventHubsRecord::partitionId)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(hub, "0"));
    }

    /** The endpoint's key, which must never reach a log. */
    private static String sharedAccessKey() {
        String value = endpoint.connectionString();
        int start = value.indexOf("SharedAccessKey=") + "SharedAccessKey=".length();
        return value.substring(start, value.indexOf(';', start));
    }

    private static JobClient runUnbounded(
            EventHubsAmqpOptions options, CollectingSink<Seen> sink, String savepoint)
            throws Exception {
        return runUnbounded(options, connectionString, sink, savepoint);
    }

    private static JobClient runUnbounded(
            EventHubsAmqpOptions options,
            EventHubsConnectionString connectionString,
            CollectingSink<Seen> sink,
            String savepoint)
            throws Exception {
        Configuration conf = new Configuration();
        // A failure ends the job, so the tests see it rather than a restart loop.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromSource(
                        EventHubsAmqpSource.create(options, connectionString),
                        WatermarkStrategy.noWatermarks(),
                        "Event Hubs (AMQP)")
                .uid("eventhubs-amqp-source")
                .map(Seen::of)
                .uid("seen")
                .name("Seen")
                .sinkTo(sink)
                .uid("collect")
                .name("Collect");
        JobClient job = env.executeAsync("unbounded AMQP read");
        Eventually.await(
                "the job runs",
                Duration.ofSeconds(60),
                () -> job.getJobStatus().get() == JobStatus.RUNNING);
        return job;
    }
}
