package io.deletionwatch.connectors.source;

/**
 * One record as read from Kafka or the Event Hubs Kafka endpoint, before any parsing: the raw
 * bytes and where they came from, so a record that cannot be used can be dead-lettered with its
 * exact position.
 *
 * @param timestamp the Kafka record timestamp in epoch milliseconds (the Event Hubs enqueue time)
 * @param value the record value; never null (a null value is read as an empty array)
 */
public record KafkaRecord(String topic, int partition, long offset, long timestamp, byte[] value) {}
