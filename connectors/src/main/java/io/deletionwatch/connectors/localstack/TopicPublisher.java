package io.deletionwatch.connectors.localstack;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes raw values to Kafka topics, for tests and the local demo. Every publish call returns
 * only when the broker has acknowledged all its records ({@code acks=all}, idempotent, so a retried
 * send never duplicates a record).
 */
public final class TopicPublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param clientProperties how to reach the broker, e.g. {@link
     *     KafkaBroker#plaintextClientProperties()} or {@link
     *     KafkaBroker#eventHubsClientProperties()}
     */
    public TopicPublisher(Map<String, Object> clientProperties) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("linger.ms", "5");
        config.put("key.serializer", ByteArraySerializer.class.getName());
        config.put("value.serializer", ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(config);
    }

    /** Publishes the values to the topic, partitions chosen by the producer; returns how many. */
    public long publish(String topic, Iterable<byte[]> values) throws IOException {
        return send(topic, null, values);
    }

    /** Publishes the values, in order, to one partition of the topic; returns how many. */
    public long publish(String topic, int partition, Iterable<byte[]> values) throws IOException {
        return send(topic, partition, values);
    }

    /** Publishes fully specified records (partition, timestamp, key); returns how many. */
    public long publish(List<ProducerRecord<byte[], byte[]>> records) throws IOException {
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            send(record, sent, failure);
        }
        return finish(records.isEmpty() ? "" : records.get(0).topic(), sent, failure);
    }

    private long send(String topic, Integer partition, Iterable<byte[]> values) throws IOException {
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (byte[] value : values) {
            send(new ProducerRecord<>(topic, partition, null, value), sent, failure);
        }
        return finish(topic, sent, failure);
    }

    private void send(
            ProducerRecord<byte[], byte[]> record,
            AtomicLong sent,
            AtomicReference<Exception> failure)
            throws IOException {
        if (failure.get() != null) {
            throw failed(record.topic(), sent, failure.get());
        }
        producer.send(
                record,
                (metadata, exception) -> {
                    if (exception == null) {
                        sent.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, exception);
                    }
                });
    }

    private long finish(String topic, AtomicLong sent, AtomicReference<Exception> failure)
            throws IOException {
        producer.flush();
        if (failure.get() != null) {
            throw failed(topic, sent, failure.get());
        }
        return sent.get();
    }

    private static IOException failed(String topic, AtomicLong sent, Exception cause) {
        return new IOException(
                "publishing to topic "
                        + topic
                        + " failed after "
                        + sent.get()
                        + " records: "
                        + cause,
                cause);
    }

    @Override
    public void close() {
        producer.close();
    }
}
