package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.testing.EventHubsJobOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.connectors.testing.CollectingSink;
import io.deletionwatch.job.testing.DemoSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker crashes (SIGKILL) and comes back while the job runs: the job reconnects and
 * goes on from its position. Every finding of the demo sample reaches Elasticsearch exactly once,
 * the same set {@code detect} finds in the file, and nothing is dead-lettered.
 *
 * <p>After the outage each source subtask reconnects on its own. With an idleness shorter than
 * the gap between their reconnections, the first one's partition alone moves the watermark, up to
 * the end of its data, and the other partition's events then count as late for the sequence rules
 * (seen here with a 3 s idleness on a loaded machine). The default idleness, 1 min, covers that.
 */
class KafkaBrokerRestartITCase {
    /** The broker accepts this JVM's EVENTHUBS_CONNECTION_STRING, which the job reads where it runs. */
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.withConnectionStringFromEnvironment();
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void shouldLoseAndDuplicateNoFindingWhenTheBrokerRestartsMidStream() throws Exception {
        // What detect finds in the same file: the expected finding ids. The production idleness
        // (1 min): a shorter one lets the split that reconnects first carry the watermark past
        // the other split's events, which then arrive late (see the class comment).
        DetectionConfig config = DetectionConfig.defaults();
        CollectingSink<Finding> detected = new CollectingSink<>();
        Detect.run(List.of(DemoSample.FILE), Rules.all(config), config, detected, new CollectingSink<DeadLetter>());
        Set<String> expected = detected.drain().stream().map(Finding::id).collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected).hasSize(11);

        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("restart", 2);
        String group = "restart-" + ElasticsearchNodeExtension.uniqueNamespace();
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        String findings = "logs-deletion_watch.findings-" + namespace;
        String deadLetters = "logs-deletion_watch.deadletter-" + namespace;
        List<byte[]> lines =
                Files.readAllLines(DemoSample.FILE).stream()
                        .filter(l -> !l.isBlank())
                        .map(l -> l.getBytes(StandardCharsets.UTF_8))
                        .toList();
        int half = lines.size() / 2;

        publish(broker, topic, lines.subList(0, half));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        StreamingJob.define(
                env,
                EventHubsJobOptions.kafka(broker, topic, group),
                EventHubsJobOptions.connectionString(),
                ElasticsearchSinkOptions.builder()
                        .hosts(ES.url())
                        .dataStream(findings)
                        .deadLetterDataStream(deadLetters)
                        .maxInterval(Duration.ofMillis(100))
                        .build(),
                Rules.all(config),
                config);
        JobClient job = env.executeAsync("broker-restart-it");
        try {
            awaitCommitted(broker, group, topic, "the first half");
            long findingsBefore = ES.count(findings);

            broker.kill();
            long down = System.nanoTime();
            broker.restart();
            long up = System.nanoTime();
            publish(broker, topic, lines.subList(half, lines.size()));
            long published = System.nanoTime();

            awaitCommitted(broker, group, topic, "the second half");
            try {
                // The last sequence findings come once both partitions are idle (1 min).
                Eventually.await("all " + expected.size() + " findings in Elasticsearch", Duration.ofMinutes(4),
                        () -> ids(findings).size() >= expected.size());
            } catch (AssertionError timedOut) {
                // The assertions below say which findings are missing and what was dead-lettered.
            }
            long done = System.nanoTime();
            System.out.printf(
                    "KafkaBrokerRestartITCase: %d findings before the crash; broker back in %.1f s; the second half's findings all in %.1f s after it was published%n",
                    findingsBefore, (up - down) / 1e9, (done - published) / 1e9);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }

        List<Document> found = ES.all(findings);
        Set<String> foundIds = found.stream().map(Document::id).collect(Collectors.toCollection(TreeSet::new));
        assertThat(foundIds).isEqualTo(expected);
        assertThat(found).as("one document per finding id").hasSize(expected.size());
        assertThat(ES.all(deadLetters))
                .extracting(d -> d.source().at("/deletion_watch/dead_letter/reason").asText())
                .isEmpty();
    }

    private static Set<String> ids(String index) {
        return ES.all(index).stream().map(Document::id).collect(Collectors.toSet());
    }

    private static void publish(KafkaBroker broker, String topic, List<byte[]> values) throws Exception {
        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(topic, values);
        }
    }

    /** Offsets are committed after a checkpoint, after the sinks flushed. */
    private static void awaitCommitted(KafkaBroker broker, String group, String topic, String what) throws Exception {
        try (Admin admin = Admin.create(broker.eventHubsClientProperties())) {
            Eventually.await("the job to commit " + what, Duration.ofMinutes(2), () -> ConsumerLag.of(admin, group, topic) == 0);
        }
    }
}
