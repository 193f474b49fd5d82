package io.deletionwatch.connectors.deadletter;

import java.time.Instant;

/**
 * Something the pipeline could not use, kept as data with the reason: a Kafka record that does not
 * parse, or a finding Elasticsearch refused.
 *
 * @param time when it was dead-lettered
 * @param reason a short stable code for dashboards and metrics, e.g. {@code invalid_json}
 * @param detail a readable explanation
 * @param stage where it happened: {@code parse}, {@code detect}, {@code sink}
 * @param topic the Kafka topic or event hub, or the input file for {@code detect}; null when not
 *     from input
 * @param partition the Kafka or Event Hubs partition, or null
 * @param offset the Kafka offset (the line number for NDJSON files), or null
 * @param payload the raw bytes as received
 * @param sequenceNumber read over AMQP: the event's sequence number in its partition; else null
 * @param amqpOffset read over AMQP: the service's offset of the event (an opaque string); else null
 */
public record DeadLetter(
        Instant time,
        String reason,
        String detail,
        String stage,
        String topic,
        Integer partition,
        Long offset,
        byte[] payload,
        Long sequenceNumber,
        String amqpOffset) {

    /** A dead letter from Kafka, a file or the pipeline itself: no AMQP position. */
    public DeadLetter(
            Instant time,
            String reason,
            String detail,
            String stage,
            String topic,
            Integer partition,
            Long offset,
            byte[] payload) {
        this(time, reason, detail, stage, topic, partition, offset, payload, null, null);
    }

    /** The same dead letter at an event's AMQP position: its Kafka offset stays empty. */
    public DeadLetter atAmqpPosition(long sequence, String amqpOffsetOfEvent) {
        return new DeadLetter(time, reason, detail, stage, topic, partition, null, payload, sequence, amqpOffsetOfEvent);
    }
}
