package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.testing.CapturedLogs;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The split enumerator with Flink's mock enumerator context against the local Event Hubs endpoint:
 * which reader gets which partition, from where, and what it checkpoints.
 */
class EventHubsSplitEnumeratorITCase {
    private static final long UNBOUNDED = EventHubsPartitionSplit.UNBOUNDED;

    @TempDir static Path dir;

    private static EventHubsEndpoint endpoint;
    private static Secret connectionString;

    @BeforeAll
    static void start() throws Exception {
        endpoint =
                EventHubsEndpoint.builder()
                        .eventHub("three", 3)
                        .eventHub("waiting", 2)
                        .eventHub("growing", 2)
                        .eventHub("bounded", 2)
                        .eventHub("restored", 2)
                        .eventHub("timed", 2)
                        .eventHub("outage", 2)
                        .start();
        Path file = dir.resolve("connection-string");
        Files.writeString(file, endpoint.connectionString());
        connectionString = Secret.file(file.toString());
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private static EventHubsAmqpOptions options(String hub) {
        return EventHubsAmqpOptions.defaults(hub).withTryTimeout(Duration.ofSeconds(10));
    }

    private static void publish(String hub, String partition, int count) {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(("event " + i).getBytes(StandardCharsets.UTF_8));
        }
        endpoint.publish(hub, partition, bodies);
    }

    /** Every split assigned so far, by reader. */
    private static Map<Integer, List<EventHubsPartitionSplit>> assigned(
            MockSplitEnumeratorContext<EventHubsPartitionSplit> context) {
        Map<Integer, List<EventHubsPartitionSplit>> byReader = new TreeMap<>();
        for (SplitsAssignment<EventHubsPartitionSplit> a : context.getSplitsAssignmentSequence()) {
            a.assignment()
                    .forEach(
                            (r, s) ->
                                    byReader.computeIfAbsent(r, k -> new ArrayList<>()).addAll(s));
        }
        return byReader;
    }

    private static void register(
            MockSplitEnumeratorContext<EventHubsPartitionSplit> context,
            EventHubsSplitEnumerator enumerator,
            int reader) {
        context.registerReader(new ReaderInfo(reader, "localhost"));
        enumerator.addReader(reader);
    }

    @Test
    void assignsPartitionIModuloParallelismFromTheEarliestEvent() throws Throwable {
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> context =
                        new MockSplitEnumeratorContext<>(2);
                EventHubsSplitEnumerator enumerator =
                        new EventHubsSplitEnumerator(
                                context,
                                connectionString,
                                options("three"),
                                Boundedness.CONTINUOUS_UNBOUNDED,
                                null)) {
            register(context, enumerator, 0);
            register(context, enumerator, 1);
            enumerator.start();
            context.runPeriodicCallable(0);

            assertThat(assigned(context))
                    .isEqualTo(
                            Map.of(
                                    0,
                                    List.of(
                                            EventHubsPartitionSplit.earliest(
                                                    "three", "0", UNBOUNDED),
                                            EventHubsPartitionSplit.earliest(
                                                    "three", "2", UNBOUNDED)),
                                    1,
                                    List.of(
                                            EventHubsPartitionSplit.earliest(
                                                    "three", "1", UNBOUNDED))));
            assertThat(enumerator.snapshotState(1))
                    .isEqualTo(new EventHubsEnumeratorState(Set.of("0", "1", "2"), List.of()));
        }
    }

    @Test
    void keepsAPartitionForItsReaderUntilTheReaderRegisters() throws Throwable {
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> context =
                        new MockSplitEnumeratorContext<>(2);
                EventHubsSplitEnumerator enumerator =
                        new EventHubsSplitEnumerator(
                                context,
                                connectionString,
                                options("waiting"),
                                Boundedness.CONTINUOUS_UNBOUNDED,
                                null)) {
            register(context, enumerator, 0);
            enumerator.start();
            context.runPeriodicCallable(0);

            EventHubsPartitionSplit second =
                    EventHubsPartitionSplit.earliest("waiting", "1", UNBOUNDED);
            assertThat(assigned(context))
                    .isEqualTo(
                            Map.of(
                                    0,
                                    List.of(
                                            EventHubsPartitionSplit.earliest(
                                                    "waiting", "0", UNBOUNDED))));
            assertThat(enumerator.snapshotState(1).unassigned()).containsExactly(second);

            register(context, enumerator, 1);

            assertThat(assigned(context).get(1)).containsExactly(second);
            assertThat(enumerator.snapshotState(2).unassigned()).isEmpty();
        }
    }

    @Test
    void startsAfterTheLastEventWithLatestAndReadsPartitionsAddedLaterFromTheEarliest()
            throws Throwable {
        publish("growing", "0", 3);
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> context =
                        new MockSplitEnumeratorContext<>(1);
                EventHubsSplitEnumerator enumerator =
                        new EventHubsSplitEnumerator(
                                context,
                                connectionString,
                                options("growing")
                                        .withStartingPosition(EventHubsStartingPosition.latest()),
                                Boundedness.CONTINUOUS_UNBOUNDED,
                                null)) {
            register(context, enumerator, 0);
            enumerator.start();
            context.runPeriodicCallable(0);
            // Partition 0 has events 0..2; partition 1 none yet, so it starts at its first.
            assertThat(assigned(context).get(0))
                    .containsExactly(
                            EventHubsPartitionSplit.afterSequenceNumber(
                                    "growing", "0", 2, UNBOUNDED),
                            EventHubsPartitionSplit.earliest("growing", "1", UNBOUNDED));

            endpoint.addPartitions("growing", 1);
            publish("growing", "2", 2);
            context.runPeriodicCallable(0);

            assertThat(assigned(context).get(0))
                    .hasSize(3)
                    .last()
                    .isEqualTo(EventHubsPartitionSplit.earliest("growing", "2", UNBOUNDED));
            context.runPeriodicCallable(0);
            assertThat(assigned(context).get(0)).as("nothing new, nothing assigned").hasSize(3);
        }
    }

    @Test
    void aBoundedReadStopsAtTheLastEventEnqueuedWhenListed() throws Throwable {
        publish("bounded", "1", 4);
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> context =
                        new MockSplitEnumeratorContext<>(2);
                EventHubsSplitEnumerator enumerator =
                        new EventHubsSplitEnumerator(
                                context,
                                connectionString,
                                options("bounded"),
                                Boundedness.BOUNDED,
                                null)) {
            register(context, enumerator, 0);
            register(context, enumerator, 1);
            enumerator.start();
            context.runNextOneTimeCallable();

            assertThat(assigned(context))
                    .isEqualTo(
                            Map.of(
                                    0,
                                            List.of(
                                                    EventHubsPartitionSplit.earliest(
                                                            "bounded", "0", -1)),
                                    1,
                                            List.of(
                                                    EventHubsPartitionSplit.earliest(
                                                            "bounded", "1", 3))));
            assertThat(context.hasNoMoreSplits(0)).isTrue();
            assertThat(context.hasNoMoreSplits(1)).isTrue();
            assertThat(context.getPeriodicCallables()).as("no listing again").isEmpty();
        }
    }

    @Test
    void startsAfterAnEnqueuedTimeAndABoundedReadWithNothingNewerHasNothingToRead()
            throws Throwable {
        publish("timed", "0", 2);
        Instant after = endpoint.events("timed", "0").get(1).enqueuedTime();
        EventHubsAmqpOptions options =
                options("timed")
                        .withStartingPosition(EventHubsStartingPosition.enqueuedAfter(after));
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> unboundedContext =
                        new MockSplitEnumeratorContext<>(1);
                EventHubsSplitEnumerator unbounded =
                        new EventHubsSplitEnumerator(
                                unboundedContext,
                                connectionString,
                                options,
                                Boundedness.CONTINUOUS_UNBOUNDED,
                                null);
                MockSplitEnumeratorContext<EventHubsPartitionSplit> boundedContext =
                        new MockSplitEnumeratorContext<>(1);
                EventHubsSplitEnumerator bounded =
                        new EventHubsSplitEnumerator(
                                boundedContext,
                                connectionString,
                                options,
                                Boundedness.BOUNDED,
                                null)) {
            register(unboundedContext, unbounded, 0);
            unbounded.start();
            unboundedContext.runPeriodicCallable(0);
            register(boundedContext, bounded, 0);
            bounded.start();
            boundedContext.runNextOneTimeCallable();

            assertThat(assigned(unboundedContext).get(0))
                    .containsExactly(
                            EventHubsPartitionSplit.enqueuedAfter("timed", "0", after, UNBOUNDED),
                            EventHubsPartitionSplit.enqueuedAfter("timed", "1", after, UNBOUNDED));
            // Partition 0's last event is not after the time, partition 1 is empty: both done.
            assertThat(assigned(boundedContext).get(0))
                    .containsExactly(
                            EventHubsPartitionSplit.enqueuedAfter("timed", "0", after, -1),
                            EventHubsPartitionSplit.enqueuedAfter("timed", "1", after, -1));
            assertThat(assigned(boundedContext).get(0))
                    .allMatch(EventHubsPartitionSplit::isFinished);
        }
    }

    @Test
    void aFailedRelistingKeepsThePartitionsAndWaitsForTheNextOne() throws Throwable {
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> context =
                        new MockSplitEnumeratorContext<>(1);
                EventHubsSplitEnumerator enumerator =
                        new EventHubsSplitEnumerator(
                                context,
                                connectionString,
                                options("outage"),
                                Boundedness.CONTINUOUS_UNBOUNDED,
                                null);
                CapturedLogs logs = new CapturedLogs()) {
            register(context, enumerator, 0);
            enumerator.start();
            context.runPeriodicCallable(0);

            // What the handler gets when a listing fails after the SDK's retries.
            enumerator.onDiscovery(null, new IllegalStateException("server busy"));

            assertThat(logs.text())
                    .contains("Cannot list the event hub's partitions again: server busy");
            assertThat(assigned(context).get(0)).hasSize(2);
            assertThat(enumerator.snapshotState(1))
                    .isEqualTo(new EventHubsEnumeratorState(Set.of("0", "1"), List.of()));
        }
    }

    @Test
    void aRestoredEnumeratorMakesNoSplitForAPartitionItKnows() throws Throwable {
        EventHubsPartitionSplit pending =
                EventHubsPartitionSplit.afterSequenceNumber("restored", "1", 9, UNBOUNDED);
        try (MockSplitEnumeratorContext<EventHubsPartitionSplit> context =
                        new MockSplitEnumeratorContext<>(2);
                EventHubsSplitEnumerator enumerator =
                        new EventHubsSplitEnumerator(
                                context,
                                connectionString,
                                options("restored"),
                                Boundedness.CONTINUOUS_UNBOUNDED,
                                new EventHubsEnumeratorState(Set.of("0", "1"), List.of(pending)))) {
            register(context, enumerator, 0);
            register(context, enumerator, 1);
            enumerator.start();
            context.runPeriodicCallable(0);

            // Partition 0 is in reader 0's state; the pending split keeps its position.
            assertThat(assigned(context)).isEqualTo(Map.of(1, List.of(pending)));
        }
    }
}
