package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.testing.CapturedLogs;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

class EventHubsRecordEmitterTest {
    private static final String HUB = "insights-activity-logs";
    private static final long T0 = 1_772_360_100_123L; // 2026-03-01T10:15:00.123Z

    /** What the emitter hands on: the body and the record's timestamp. */
    record Emitted(String body, long timestamp) {}

    static final class Output implements SourceOutput<EventHubsRecord> {
        final List<Emitted> emitted = new ArrayList<>();

        @Override
        public void collect(EventHubsRecord record) {
            throw new AssertionError("every event carries its enqueued time");
        }

        @Override
        public void collect(EventHubsRecord record, long timestamp) {
            emitted.add(new Emitted(new String(record.body(), StandardCharsets.UTF_8), timestamp));
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    private final SimpleCounter expired = new SimpleCounter();
    private final EventHubsRecordEmitter<EventHubsRecord> emitter =
            new EventHubsRecordEmitter<>(EventHubsDeserializationSchema.records(), expired);
    private final Output output = new Output();

    private static EventHubsReceivedEvent event(long sequence, long lastEnqueued) {
        return new EventHubsReceivedEvent(
                new EventHubsRecord(
                        HUB,
                        "0",
                        sequence,
                        Long.toString(sequence * 10),
                        T0 + sequence,
                        ("event " + sequence).getBytes(StandardCharsets.UTF_8)),
                lastEnqueued);
    }

    @Test
    void handsEachEventOnWithItsEnqueuedTimeAndMovesThePosition() throws Exception {
        EventHubsPartitionSplitState state =
                new EventHubsPartitionSplitState(
                        EventHubsPartitionSplit.earliest(
                                HUB, "0", EventHubsPartitionSplit.UNBOUNDED));
        assertThat(state.lag()).as("unknown before the first event").isEqualTo(-1);

        emitter.emitRecord(event(0, 9), output, state);
        emitter.emitRecord(event(1, 9), output, state);

        assertThat(output.emitted)
                .containsExactly(new Emitted("event 0", T0), new Emitted("event 1", T0 + 1));
        assertThat(state.toSplit())
                .isEqualTo(
                        EventHubsPartitionSplit.afterSequenceNumber(
                                HUB, "0", 1, EventHubsPartitionSplit.UNBOUNDED));
        assertThat(state.lag()).isEqualTo(8);
    }

    @Test
    void dropsAnEventAtOrBeforeThePositionSoNoneIsHandedOnTwice() throws Exception {
        EventHubsPartitionSplitState state =
                new EventHubsPartitionSplitState(
                        EventHubsPartitionSplit.afterSequenceNumber(
                                HUB, "0", 4, EventHubsPartitionSplit.UNBOUNDED));

        emitter.emitRecord(event(3, 6), output, state);
        emitter.emitRecord(event(4, 6), output, state);
        emitter.emitRecord(event(5, 6), output, state);

        assertThat(output.emitted).containsExactly(new Emitted("event 5", T0 + 5));
        assertThat(state.lag()).isEqualTo(1);
        assertThat(expired.getCount()).isZero();
    }

    @Test
    void countsAndLogsEventsThatExpiredBeforeTheyWereRead() throws Exception {
        EventHubsPartitionSplitState state =
                new EventHubsPartitionSplitState(
                        EventHubsPartitionSplit.afterSequenceNumber(
                                HUB, "0", 2, EventHubsPartitionSplit.UNBOUNDED));

        try (CapturedLogs logs = new CapturedLogs()) {
            emitter.emitRecord(event(6, 6), output, state);

            assertThat(logs.text())
                    .contains(
                            "Event hub insights-activity-logs partition 0: 3 events (sequence"
                                    + " numbers 3 to 5) expired before they were read; going on"
                                    + " from 6");
        }
        assertThat(expired.getCount()).isEqualTo(3);
        assertThat(output.emitted).containsExactly(new Emitted("event 6", T0 + 6));
        assertThat(state.lag()).isZero();
    }
}
