package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.connectors.testing.CollectingSink;
import io.deletionwatch.job.testing.DemoSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production job read over AMQP: the bundled sample published to the wire-level Event Hubs
 * endpoint (a test fixture the real SDK talks to), the job on a MiniCluster with the AMQP source,
 * a real Elasticsearch node. It must give exactly what {@code detect} gives from the same file.
 */
class AmqpStreamingJobITCase {
    private static final String HUB = "insights-activity-logs";

    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static EventHubsEndpoint endpoint;

    @TempDir static Path dir;

    @BeforeAll
    static void startEndpoint() throws Exception {
        endpoint = EventHubsEndpoint.builder().eventHub(HUB, 2).start();
    }

    @AfterAll
    static void stopEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /**
     * Finding id → rule and sentence of its last version. Versions are left out: a job that reads a
     * backlog in parallel may write a finding once more when a piece arrives late, with a higher
     * version than detect's single ordered pass gives it.
     */
    private static Map<String, String> lastVersions(List<Finding> findings) throws Exception {
        Map<String, ObjectNode> last = new TreeMap<>();
        for (Finding f : findings) {
            ObjectNode doc = io.deletionwatch.job.findings.FindingDocument.toJson(f);
            ObjectNode seen = last.get(f.id());
            if (seen == null || seen.at("/deletion_watch/version").asLong() < doc.at("/deletion_watch/version").asLong()) {
                last.put(f.id(), doc);
            }
        }
        Map<String, String> out = new TreeMap<>();
        last.forEach((id, doc) -> out.put(id, describe(doc)));
        return out;
    }

    private static String describe(ObjectNode doc) {
        return doc.at("/rule/id").asText() + " " + doc.at("/message").asText();
    }

    @Test
    void theBundledSampleReadOverAmqpGivesExactlyWhatDetectGives() throws Exception {
        DetectionConfig config = DetectionConfig.defaults();
        CollectingSink<Finding> detected = new CollectingSink<>();
        Detect.run(List.of(DemoSample.FILE), Rules.all(config), config, detected, new CollectingSink<DeadLetter>());
        Map<String, String> expected = lastVersions(detected.drain());
        assertThat(expected).hasSize(11);

        // As a diagnostic setting sends them: each envelope one event, spread over the partitions.
        List<byte[]> zero = new ArrayList<>();
        List<byte[]> one = new ArrayList<>();
        List<String> lines = Files.readAllLines(DemoSample.FILE).stream().filter(l -> !l.isBlank()).toList();
        for (int i = 0; i < lines.size(); i++) {
            (i % 2 == 0 ? zero : one).add(lines.get(i).getBytes(StandardCharsets.UTF_8));
        }
        endpoint.publish(HUB, "0", zero);
        long garbage = endpoint.publish(HUB, "1", List.of("{\"records\": [ truncated".getBytes(StandardCharsets.UTF_8))).get(0);
        endpoint.publish(HUB, "1", one);

        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        String findings = "logs-deletion_watch.findings-" + namespace;
        String deadLetters = "logs-deletion_watch.deadletter-" + namespace;
        Path secret = dir.resolve("eventhubs-connection-string");
        Files.writeString(secret, endpoint.connectionString() + "\n");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        StreamingJob.define(
                env,
                StreamingJob.Input.amqp(
                        EventHubsAmqpOptions.defaults(HUB).withTryTimeout(Duration.ofSeconds(10)),
                        EventHubsConnectionString.fromFile(secret),
                        config),
                ElasticsearchSinkOptions.builder()
                        .hosts(ES.url())
                        .dataStream(findings)
                        .deadLetterDataStream(deadLetters)
                        .maxInterval(Duration.ofMillis(100))
                        .build(),
                Rules.all(config),
                config);
        JobClient job = env.executeAsync("amqp-streaming-job-it");
        Map<String, String> stored = new TreeMap<>();
        try {
            Eventually.await("the job to write detect's findings", Duration.ofMinutes(2), () -> {
                stored.clear();
                List<Document> documents;
                try {
                    documents = ES.all(findings);
                } catch (RuntimeException notYet) {
                    return false; // the data stream's first shard is still being allocated
                }
                for (Document d : documents) {
                    stored.put(d.id(), describe(d.source()));
                }
                return stored.equals(expected);
            });
        } catch (AssertionError timedOut) {
            assertThat(stored).as("%s; job %s", timedOut.getMessage(), job.getJobStatus().get()).isEqualTo(expected);
        } finally {
            job.cancel().get();
        }

        assertThat(stored).isEqualTo(expected);
        List<Document> dead = ES.all(deadLetters);
        assertThat(dead).hasSize(1);
        ObjectNode letter = (ObjectNode) dead.get(0).source().at("/deletion_watch/dead_letter");
        assertThat(letter.path("reason").asText()).isEqualTo("invalid_json");
        assertThat(letter.path("topic").asText()).isEqualTo(HUB);
        assertThat(letter.path("partition").asInt()).isEqualTo(1);
        assertThat(letter.path("sequence_number").asLong()).isEqualTo(garbage);
        assertThat(letter.path("amqp_offset").asText())
                .isEqualTo(endpoint.events(HUB, "1").get(0).offset());
        assertThat(letter.has("offset")).as("no Kafka offset").isFalse();
        assertThat(letter.path("payload").asText()).isEqualTo("{\"records\": [ truncated");
    }
}
