package io.deletionwatch.job.parsing;

import io.deletionwatch.connectors.source.EventHubsDeserializationSchema;
import io.deletionwatch.connectors.source.EventHubsRecord;
import io.deletionwatch.connectors.source.KafkaRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Parses inside the AMQP source, as {@link ActivityLogDeserializer} does inside the Kafka source:
 * the same parser and the same metrics, and dead letters that name the event hub, the partition,
 * the sequence number and the service's offset of the event.
 */
public final class ActivityLogAmqpDeserializer implements EventHubsDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final ActivityLogParser parser;
    private transient ParseCounters counters;

    public ActivityLogAmqpDeserializer(ActivityLogParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        counters = new ParseCounters(context.getMetricGroup());
    }

    @Override
    public void deserialize(EventHubsRecord record, Collector<ParsedRecord> out) {
        // Event Hubs numbers its partitions 0..n-1, so the id fits the Kafka-shaped record; the
        // sequence number stands where the parser reports a position.
        KafkaRecord position =
                new KafkaRecord(
                        record.eventHub(),
                        Integer.parseInt(record.partitionId()),
                        record.sequenceNumber(),
                        record.enqueuedTime(),
                        record.body());
        ParseOutputs.parse(
                parser,
                position,
                counters,
                parsed ->
                        out.collect(
                                parsed.deadLetter() == null
                                        ? parsed
                                        : ParsedRecord.of(
                                                parsed.deadLetter()
                                                        .atAmqpPosition(record.sequenceNumber(), record.offset()))),
                skipped -> {});
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
