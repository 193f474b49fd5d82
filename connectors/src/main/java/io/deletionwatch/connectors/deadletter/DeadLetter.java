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
 * @param topic the Kafka topic, or the input file for {@code detect}; null when not from input
 * @param partition the Kafka partition, or null
 * @param offset the Kafka offset (the line number for NDJSON files), or null
 * @param payload the raw bytes as received
 */
public record DeadLetter(
        Instant time,
        String reason,
        String detail,
        String stage,
        String topic,
        Integer partition,
        Long offset,
        byte[] payload) {}
