package io.deletionwatch.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.NsgRuleChange;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.rules.burst.Burst;
import io.deletionwatch.job.rules.burst.BurstChunk;
import io.deletionwatch.job.rules.nsg.Attachment;
import io.deletionwatch.job.rules.nsg.NsgObservation;
import io.deletionwatch.job.rules.nsg.NsgSignal;
import io.deletionwatch.job.testing.CollectingParseOutput;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * What the rules keep in state and send between operators survives Flink's serializers (as
 * RocksDB and checkpoints use them), immutable lists included.
 */
class SerializationTest {
    private static final ActivityEvent EVENT = event();

    private static ActivityEvent event() {
        CollectingParseOutput out = new CollectingParseOutput();
        new ActivityLogParser()
                .parse(
                        PipelineHarness.records(Op.delete(Ids.nsg("rg", "nsg-web")).rows()).get(1),
                        out);
        return out.events.get(0);
    }

    private static <T> T roundTrip(Class<T> type, T value) throws Exception {
        TypeSerializer<T> serializer =
                TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void shouldSerializeEventsAsPojosNotWithKryo() {
        assertThat(TypeInformation.of(ActivityEvent.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(Burst.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(NsgSignal.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void shouldRoundTripBurstStateAndChunks() throws Exception {
        Burst burst = new Burst("id", EVENT, EVENT, 12, List.copyOf(List.of(EVENT, EVENT)), 10, false, 42L);
        BurstChunk chunk = new BurstChunk("caller", new ArrayList<>(List.of(EVENT)), true);

        assertThat(roundTrip(Burst.class, burst)).isEqualTo(burst);
        assertThat(roundTrip(BurstChunk.class, chunk)).isEqualTo(chunk);
    }

    @Test
    void shouldRoundTripNsgObservationsAndSignals() throws Exception {
        NsgObservation observation =
                new NsgObservation(
                        "vnet", NsgObservation.Kind.WRITE, "corr", Outcome.SUCCESS,
                        List.of(new Attachment("subnet", "Subnet", null)), EVENT);
        NsgSignal signal =
                new NsgSignal(NsgSignal.Kind.DELETE_BLOCKED, "nsg", "NSG", null, null, List.of("a", "b"), EVENT);

        assertThat(roundTrip(NsgObservation.class, observation)).isEqualTo(observation);
        assertThat(roundTrip(NsgSignal.class, signal)).isEqualTo(signal);
        assertThat(roundTrip(NsgRuleChange.class, new NsgRuleChange("r", "Allow", null, null, "*", "22", true)))
                .isEqualTo(new NsgRuleChange("r", "Allow", null, null, "*", "22", true));
    }

    @Test
    void shouldRoundTripFindings() throws Exception {
        Finding finding = NsgDeletedRule.finding(EVENT).withRevision(2);

        Finding copy = roundTrip(Finding.class, finding);

        assertThat(copy.id()).isEqualTo(finding.id());
        assertThat(copy.evidence()).isEqualTo(finding.evidence());
        assertThat(copy.details()).isEqualTo(finding.details());
        assertThat(copy.revision()).isEqualTo(2);
    }
}
