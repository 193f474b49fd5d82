package io.deletionwatch.job.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.EventHubsRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Hostile event bodies read over AMQP become dead letters that say where the event is: the event
 * hub, the partition, its sequence number and the service's offset, never a Kafka offset.
 */
class ActivityLogAmqpDeserializerTest {
    private static List<ParsedRecord> parse(byte[] body) {
        ActivityLogAmqpDeserializer deserializer = new ActivityLogAmqpDeserializer(new ActivityLogParser(1_000));
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new UnregisteredMetricsGroup();
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
                    }
                });
        List<ParsedRecord> out = new ArrayList<>();
        deserializer.deserialize(
                new EventHubsRecord("insights-activity-logs", "1", 4_711L, "90112", 1_772_359_200_000L, body),
                new Collector<>() {
                    @Override
                    public void collect(ParsedRecord record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    private static DeadLetter onlyDeadLetter(byte[] body) {
        List<ParsedRecord> out = parse(body);
        assertThat(out).hasSize(1);
        DeadLetter letter = out.get(0).deadLetter();
        assertThat(letter).isNotNull();
        assertThat(letter.topic()).isEqualTo("insights-activity-logs");
        assertThat(letter.partition()).isEqualTo(1);
        assertThat(letter.sequenceNumber()).isEqualTo(4_711L);
        assertThat(letter.amqpOffset()).isEqualTo("90112");
        assertThat(letter.offset()).as("no Kafka offset").isNull();
        assertThat(letter.payload()).isEqualTo(body);
        return letter;
    }

    @Test
    void notJsonIsADeadLetterAtItsAmqpPosition() {
        assertThat(onlyDeadLetter("{\"records\": [ truncated".getBytes(StandardCharsets.UTF_8)).reason())
                .isEqualTo("invalid_json");
    }

    @Test
    void notUtf8IsADeadLetterAtItsAmqpPosition() {
        assertThat(onlyDeadLetter(new byte[] {(byte) 0xc3, (byte) 0x28, '{', '}'}).reason()).isEqualTo("invalid_encoding");
    }

    @Test
    void aBodyLargerThanTheLimitIsADeadLetterAtItsAmqpPosition() {
        byte[] huge = new byte[1_001];
        Arrays.fill(huge, (byte) 'x');
        assertThat(onlyDeadLetter(huge).reason()).isEqualTo("too_large");
    }

    @Test
    void anEnvelopeGivesItsEventsWithTheirOwnTimes() {
        String envelope = "{\"records\":[{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s/resourceGroups/rg/providers/"
                + "Microsoft.Network/networkSecurityGroups/n\",\"operationName\":\"Microsoft.Network/networkSecurityGroups/delete\","
                + "\"resultType\":\"Success\",\"correlationId\":\"c\"}]}";
        List<ParsedRecord> out = parse(envelope.getBytes(StandardCharsets.UTF_8));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).event().operation()).isEqualTo("microsoft.network/networksecuritygroups/delete");
        assertThat(out.get(0).timestamp()).isEqualTo(1_772_359_200_000L);
    }
}
