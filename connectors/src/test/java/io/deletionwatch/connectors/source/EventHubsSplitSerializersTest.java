package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

class EventHubsSplitSerializersTest {
    private static final String HUB = "insights-activity-logs";

    @Test
    void aSplitSurvivesACheckpointWithItsPosition() throws IOException {
        EventHubsPartitionSplitSerializer serializer = new EventHubsPartitionSplitSerializer();
        for (EventHubsPartitionSplit split :
                List.of(
                        EventHubsPartitionSplit.earliest(
                                HUB, "0", EventHubsPartitionSplit.UNBOUNDED),
                        EventHubsPartitionSplit.afterSequenceNumber(HUB, "1", 41, 99),
                        EventHubsPartitionSplit.enqueuedAfter(
                                HUB, "2", Instant.parse("2026-03-01T10:15:00.123Z"), -1))) {
            byte[] bytes = serializer.serialize(split);
            assertThat(serializer.deserialize(serializer.getVersion(), bytes)).isEqualTo(split);
        }
    }

    @Test
    void theEnumeratorStateSurvivesACheckpoint() throws IOException {
        EventHubsEnumeratorStateSerializer serializer = new EventHubsEnumeratorStateSerializer();
        EventHubsEnumeratorState state =
                new EventHubsEnumeratorState(
                        Set.of("0", "1", "2"),
                        List.of(
                                EventHubsPartitionSplit.afterSequenceNumber(
                                        HUB, "2", 7, EventHubsPartitionSplit.UNBOUNDED)));

        EventHubsEnumeratorState restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(restored).isEqualTo(state);
    }

    @Test
    void refusesAnUnknownVersion() {
        assertThatThrownBy(
                        () -> new EventHubsPartitionSplitSerializer().deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown Event Hubs split version 2");
    }

    @Test
    void aSplitResumesAfterTheLastEventHandedOn() {
        EventHubsPartitionSplit split =
                EventHubsPartitionSplit.earliest(HUB, "0", EventHubsPartitionSplit.UNBOUNDED);
        EventHubsPartitionSplitState state = new EventHubsPartitionSplitState(split);
        assertThat(state.toSplit()).isEqualTo(split);

        state.handedOn(12);

        assertThat(state.toSplit())
                .isEqualTo(
                        EventHubsPartitionSplit.afterSequenceNumber(
                                HUB, "0", 12, EventHubsPartitionSplit.UNBOUNDED));
        assertThat(state.toSplit().splitId()).isEqualTo("insights-activity-logs/0");
    }

    @Test
    void aBoundedSplitIsFinishedAtItsStop() {
        assertThat(EventHubsPartitionSplit.earliest(HUB, "0", -1).isFinished()).isTrue();
        assertThat(EventHubsPartitionSplit.afterSequenceNumber(HUB, "0", 5, 5).isFinished())
                .isTrue();
        assertThat(EventHubsPartitionSplit.afterSequenceNumber(HUB, "0", 4, 5).isFinished())
                .isFalse();
        assertThat(
                        EventHubsPartitionSplit.earliest(
                                        HUB, "0", EventHubsPartitionSplit.UNBOUNDED)
                                .isFinished())
                .isFalse();
    }

    @Test
    void parsesTheStartingPositionOption() {
        assertThat(EventHubsStartingPosition.parse("earliest"))
                .isEqualTo(EventHubsStartingPosition.earliest());
        assertThat(EventHubsStartingPosition.parse(" LATEST "))
                .isEqualTo(EventHubsStartingPosition.latest());
        assertThat(EventHubsStartingPosition.parse("2026-03-01T10:15:00Z"))
                .isEqualTo(
                        EventHubsStartingPosition.enqueuedAfter(
                                Instant.parse("2026-03-01T10:15:00Z")));
        assertThatThrownBy(() -> EventHubsStartingPosition.parse("yesterday"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the starting position is earliest, latest or an ISO-8601 instant such as"
                                + " 2026-03-01T10:15:00Z, got 'yesterday'");
    }
}
