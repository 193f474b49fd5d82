package io.deletionwatch.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

class KafkaRecordDeserializerTest {
    private final KafkaRecordDeserializer deserializer = new KafkaRecordDeserializer();

    @Test
    void keepsTopicPartitionOffsetTimestampAndTheValueBytes() {
        byte[] value = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);

        List<KafkaRecord> out = deserialize(consumerRecord(value));

        assertThat(out)
                .singleElement()
                .satisfies(
                        record -> {
                            assertThat(record.topic()).isEqualTo("insights-activity-logs");
                            assertThat(record.partition()).isEqualTo(3);
                            assertThat(record.offset()).isEqualTo(42L);
                            assertThat(record.timestamp()).isEqualTo(1_772_360_100_123L);
                            assertThat(record.value()).isEqualTo(value);
                        });
    }

    @Test
    void readsANullValueAsAnEmptyArray() {
        assertThat(deserialize(consumerRecord(null)))
                .singleElement()
                .satisfies(record -> assertThat(record.value()).isEmpty());
    }

    @Test
    void passesBytesThatAreNotJsonThroughUntouched() {
        byte[] garbage = {(byte) 0xff, 0x00, (byte) 0xfe};

        assertThat(deserialize(consumerRecord(garbage)))
                .singleElement()
                .satisfies(record -> assertThat(record.value()).containsExactly(garbage));
    }

    @Test
    void producesKafkaRecordsSerializedAsAPojo() {
        TypeInformation<KafkaRecord> type = deserializer.getProducedType();

        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertThat(type.getTypeClass()).isEqualTo(KafkaRecord.class);
    }

    private List<KafkaRecord> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<KafkaRecord> out = new ArrayList<>();
        deserializer.deserialize(
                record,
                new Collector<>() {
                    @Override
                    public void collect(KafkaRecord value) {
                        out.add(value);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> consumerRecord(byte[] value) {
        return new ConsumerRecord<>(
                "insights-activity-logs",
                3,
                42L,
                1_772_360_100_123L,
                TimestampType.CREATE_TIME,
                0,
                value == null ? -1 : value.length,
                null,
                value,
                new RecordHeaders(),
                java.util.Optional.empty());
    }
}
