package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.source.KafkaRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses inside the Kafka source, so that each event carries its own {@code time} into the
 * source's per-partition watermark generator.
 */
public final class ActivityLogDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final ActivityLogParser parser;
    private transient ParseCounters counters;

    public ActivityLogDeserializer(ActivityLogParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        counters = new ParseCounters(context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        byte[] value = record.value() == null ? new byte[0] : record.value();
        KafkaRecord kafkaRecord =
                new KafkaRecord(
                        record.topic(), record.partition(), record.offset(), record.timestamp(), value);
        ParseOutputs.parse(parser, kafkaRecord, counters, out);
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

}
