package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.io.BundledSamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} as a user runs it (a separate JVM, the secret and truststore password in its
 * environment) against the Event Hubs-style SASL_SSL listener of a real broker; what it published
 * is consumed back.
 */
class ReplayCommandITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Pattern SUMMARY =
            Pattern.compile("replay: (\\d+) of (\\d+) Kafka records acknowledged \\((\\d+) Activity Log records from 1 file(, \\d+ times)?\\)"
                    + " to topic (\\S+) at (\\S+) in [0-9.]+ s, (\\d+)/s; 0 failed");

    @TempDir Path dir;
    private Path sample;
    private List<String> sampleLines;

    @BeforeEach
    void copySample() throws IOException {
        sample = BundledSamples.copyDemo(dir);
        sampleLines = Files.readAllLines(sample).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void shouldPublishEveryEnvelopeOfTheDemoSampleToTheEventHub() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("replay", 2);

        CliProcess run = replay(eventHubsEnv(), "--input", sample.toString(), "--to", "eventhubs", "--topic", topic,
                "--bootstrap-servers", broker.eventHubsBootstrap(), "--kafka-truststore", broker.truststorePath().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher summary = SUMMARY.matcher(run.err().strip().lines().reduce((a, b) -> b).orElse(""));
        assertThat(summary.matches()).as(run.err()).isTrue();
        assertThat(summary.group(1)).isEqualTo("112");
        assertThat(summary.group(2)).isEqualTo("112");
        assertThat(Long.parseLong(summary.group(3))).isEqualTo(activityLogRecords(sampleLines));
        assertThat(summary.group(5)).isEqualTo(topic);
        assertThat(summary.group(6)).isEqualTo(broker.eventHubsBootstrap());
        // Every line of the sample is an envelope: each is one Kafka record, byte for byte.
        assertThat(consume(topic, 112)).containsExactlyInAnyOrderElementsOf(sampleLines);
        System.out.println("ReplayCommandITCase unlimited: " + run.err().strip());
    }

    @Test
    void shouldPublishTheInputRepeatedlyAtTheGivenRate() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("replay-rate", 2);

        CliProcess run = replay(Map.of(), "--input", sample.toString(), "--to", "kafka", "--bootstrap-servers", broker.plaintextBootstrap(),
                "--topic", topic, "--repeat", "3", "--rate", "200");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher summary = SUMMARY.matcher(run.err().strip().lines().reduce((a, b) -> b).orElse(""));
        assertThat(summary.matches()).as(run.err()).isTrue();
        assertThat(summary.group(1)).isEqualTo("336");
        assertThat(summary.group(4)).isEqualTo(", 3 times");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.addAll(sampleLines);
        }
        assertThat(consume(topic, 336)).containsExactlyInAnyOrderElementsOf(expected);
        System.out.println("ReplayCommandITCase --rate 200: " + run.err().strip());
    }

    @Test
    void shouldFailWithOneLineWhenTheSecretIsWrong() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("replay-denied", 1);
        Map<String, String> env = new HashMap<>(eventHubsEnv());
        env.put("EVENTHUBS_CONNECTION_STRING", KafkaBroker.randomConnectionString());

        CliProcess run = replay(env, "--input", sample.toString(), "--to", "eventhubs", "--topic", topic,
                "--bootstrap-servers", broker.eventHubsBootstrap(), "--kafka-truststore", broker.truststorePath().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: Kafka at " + broker.eventHubsBootstrap()
                        + " refused the login (Authentication failed: Invalid username or password);"
                        + " check the Event Hubs connection string");
        assertThat(run.err()).doesNotContain(env.get("EVENTHUBS_CONNECTION_STRING").split("SharedAccessKey=")[1]);
        assertThat(consume(topic, 0)).isEmpty();
    }

    @Test
    void shouldFailWithOneLineWhenTheTopicDoesNotExist() throws Exception {
        KafkaBroker broker = KAFKA.broker();

        CliProcess run = replay(Map.of(), "--input", sample.toString(), "--to", "kafka", "--bootstrap-servers", broker.plaintextBootstrap(),
                "--topic", "no-such-hub");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: topic 'no-such-hub' does not exist at " + broker.plaintextBootstrap()
                        + " (create it first: an event hub of that name on Event Hubs)");
    }

    private Map<String, String> eventHubsEnv() {
        return Map.of(
                "EVENTHUBS_CONNECTION_STRING", KAFKA.broker().eventHubsConnectionString(),
                "KAFKA_TRUSTSTORE_PASSWORD", KAFKA.broker().truststorePassword());
    }

    private static long activityLogRecords(List<String> lines) throws IOException {
        ObjectMapper json = new ObjectMapper();
        long count = 0;
        for (String line : lines) {
            count += json.readTree(line).get("records").size();
        }
        return count;
    }

    /** Reads the whole topic from the start over the SASL_SSL listener; expects exactly {@code count}. */
    private List<String> consume(String topic, int count) throws Exception {
        Map<String, Object> config = new HashMap<>(KAFKA.broker().eventHubsClientProperties());
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        config.put("enable.auto.commit", "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            assertThat(end.values().stream().mapToLong(Long::longValue).sum()).as("records in %s", topic).isEqualTo(count);
            Eventually.await("every record of " + topic, Duration.ofMinutes(1), () -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return values;
    }

    private CliProcess replay(Map<String, String> env, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliProcess.run(dir, env, all);
    }
}
