package io.deletionwatch.connectors.source;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns the events of {@link EventHubsAmqpSource} into the stream's type inside the source, so that
 * watermarks can be generated per partition from each event's own time (as with {@code
 * KafkaRecordDeserializationSchema}). It may emit nothing for an event, or several.
 */
public interface EventHubsDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {
    /**
     * Called once per reader before the first event, as Flink's Kafka source opens its schema:
     * metrics registered here are under the reader's {@code deserializer} group.
     */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    void deserialize(EventHubsRecord record, Collector<T> out) throws IOException;

    /** Hands every event on as it is: bad bodies are dealt with downstream, never here. */
    static EventHubsDeserializationSchema<EventHubsRecord> records() {
        return new EventHubsRecordDeserializer();
    }
}
