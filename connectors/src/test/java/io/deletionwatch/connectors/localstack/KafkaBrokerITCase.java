package io.deletionwatch.connectors.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.Jaas;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

class KafkaBrokerITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void plaintextListenerStoresAndServesRecords() throws Exception {
        String topic = KAFKA.newTopic("plain", 1);
        try (TopicPublisher publisher =
                new TopicPublisher(KAFKA.broker().plaintextClientProperties())) {
            assertThat(publisher.publish(topic, values("one", "two", "three"))).isEqualTo(3);
        }

        assertThat(read(KAFKA.broker().plaintextClientProperties(), topic, 0, 3))
                .containsExactly("one", "two", "three");
    }

    @Test
    void eventHubsListenerAcceptsTheConnectionStringAsPasswordOfUserConnectionString()
            throws Exception {
        String topic = KAFKA.newTopic("eventhubs", 1);
        try (TopicPublisher publisher =
                new TopicPublisher(KAFKA.broker().eventHubsClientProperties())) {
            assertThat(publisher.publish(topic, 0, values("over", "tls"))).isEqualTo(2);
        }

        assertThat(read(KAFKA.broker().eventHubsClientProperties(), topic, 0, 2))
                .containsExactly("over", "tls");
    }

    @Test
    void eventHubsListenerRejectsAnotherConnectionString() {
        Map<String, Object> wrong = new HashMap<>(KAFKA.broker().eventHubsClientProperties());
        wrong.put(
                "sasl.jaas.config",
                Jaas.plainLogin("$ConnectionString", KafkaBroker.randomConnectionString()));

        assertThatThrownBy(() -> describeCluster(wrong))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void eventHubsListenerRejectsTheRightPasswordForAnotherUser() {
        Map<String, Object> wrong = new HashMap<>(KAFKA.broker().eventHubsClientProperties());
        wrong.put(
                "sasl.jaas.config",
                Jaas.plainLogin("alice", KAFKA.broker().eventHubsConnectionString()));

        assertThatThrownBy(() -> describeCluster(wrong))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void eventHubsListenerSecretIsAValidConnectionString() {
        EventHubsConnectionString parsed =
                EventHubsConnectionString.parse(KAFKA.broker().eventHubsConnectionString());

        assertThat(parsed.sharedAccessKeyName()).isEqualTo("RootManageSharedAccessKey");
        assertThat(parsed.host()).isEqualTo("localhost");
    }

    @Test
    void restartAfterKillKeepsTopicsRecordsAndBootstrapServers() throws Exception {
        KafkaBroker broker = KafkaBroker.builder().eventHubsListener().start();
        try (broker) {
            broker.createTopic("durable", 2);
            try (TopicPublisher publisher =
                    new TopicPublisher(broker.plaintextClientProperties())) {
                publisher.publish("durable", 1, values("before", "crash"));
            }
            String plaintext = broker.plaintextBootstrap();
            String eventHubs = broker.eventHubsBootstrap();
            long pid = broker.pid();

            broker.kill();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            broker.restart();

            assertThat(broker.pid()).isNotEqualTo(pid);
            assertThat(broker.plaintextBootstrap()).isEqualTo(plaintext);
            assertThat(broker.eventHubsBootstrap()).isEqualTo(eventHubs);
            assertThat(read(broker.eventHubsClientProperties(), "durable", 1, 2))
                    .containsExactly("before", "crash");
        }
        assertThat(broker.workDir()).doesNotExist();
    }

    @Test
    void aGivenWorkDirKeepsTopicsAndRecordsForTheNextBroker(@TempDir Path workDir)
            throws Exception {
        try (KafkaBroker first = KafkaBroker.builder().workDir(workDir).start()) {
            first.createTopic("kept", 1);
            try (TopicPublisher publisher = new TopicPublisher(first.plaintextClientProperties())) {
                publisher.publish("kept", 0, values("still", "here"));
            }
        }
        assertThat(workDir.resolve("data")).isDirectory();

        try (KafkaBroker second = KafkaBroker.builder().workDir(workDir).start()) {
            assertThat(read(second.plaintextClientProperties(), "kept", 0, 2))
                    .containsExactly("still", "here");
        }
    }

    @Test
    void closeStopsTheBrokerProcess() throws Exception {
        KafkaBroker broker = KafkaBroker.builder().start();
        long pid = broker.pid();

        broker.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThatThrownBy(broker::eventHubsBootstrap)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no EVENTHUBS listener");
    }

    private static void describeCluster(Map<String, Object> properties) throws Exception {
        try (Admin admin = Admin.create(properties)) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        }
    }

    static List<byte[]> values(String... values) {
        List<byte[]> bytes = new ArrayList<>();
        for (String value : values) {
            bytes.add(value.getBytes(StandardCharsets.UTF_8));
        }
        return bytes;
    }

    /** Reads the first {@code count} values of one partition. */
    static List<String> read(Map<String, Object> client, String topic, int partition, int count) {
        Map<String, Object> config = new HashMap<>(client);
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
