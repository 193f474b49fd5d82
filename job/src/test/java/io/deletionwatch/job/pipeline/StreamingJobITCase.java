package io.deletionwatch.job.pipeline;

import static io.deletionwatch.job.testing.ActivityRecords.BEGINNING;
import static io.deletionwatch.job.testing.ActivityRecords.nsgId;
import static io.deletionwatch.job.testing.ActivityRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.job.testing.EventHubsJobOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.connectors.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production wiring end to end: the Event Hubs-style SASL_SSL {@code $ConnectionString}
 * listener of a real Kafka broker, the job on a MiniCluster, a real Elasticsearch node.
 */
class StreamingJobITCase {
    /** The broker accepts this JVM's EVENTHUBS_CONNECTION_STRING, which the job reads where it runs. */
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            KafkaBrokerExtension.withConnectionStringFromEnvironment();

    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete";

    @Test
    void shouldWriteOneFindingPerNsgDeleteAndDeadLetterGarbageIntoElasticsearch() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("activity", 2);
        String group = "it-" + ElasticsearchNodeExtension.uniqueNamespace();
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        String findings = "logs-deletion_watch.findings-" + namespace;
        String deadLetters = "logs-deletion_watch.deadletter-" + namespace;
        String nsg = nsgId("rg-prod", "nsg-web");
        String hostCallerNsg = nsgId("rg-prod", "nsg-app");

        try (TopicPublisher publisher = new TopicPublisher(broker.eventHubsClientProperties())) {
            publisher.publish(
                    List.of(
                            produce(topic, 0, ActivityRecords.envelope(0,
                                    record(NSG_DELETE, nsg, "Start", "corr-1", BEGINNING),
                                    record(NSG_DELETE, nsg, "Accept", "corr-1", BEGINNING.plusSeconds(1))).valueText()),
                            // The Success row and a transport duplicate of it, on the other partition.
                            produce(topic, 1, ActivityRecords.envelope(0, record(NSG_DELETE, nsg, "Success", "corr-1", BEGINNING.plusSeconds(9))).valueText()),
                            produce(topic, 1, ActivityRecords.envelope(0, record(NSG_DELETE, nsg, "Success", "corr-1", BEGINNING.plusSeconds(9))).valueText()),
                            produce(topic, 0, ActivityRecords.envelope(0, record(NSG_DELETE, nsgId("rg-prod", "nsg-db"), "Failure", "corr-2", BEGINNING.plusSeconds(5))).valueText()),
                            // A caller address that is no IP: kept in source.address, not refused.
                            produce(topic, 0, ActivityRecords.envelope(0, record(NSG_DELETE, hostCallerNsg, "Success", "corr-3", BEGINNING.plusSeconds(7))
                                    .set("callerIpAddress", "gateway.contoso.internal")).valueText()),
                            produce(topic, 1, "{\"records\": [ truncated")));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
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
                Rules.all(),
                DetectionConfig.defaults());
        JobClient job = env.executeAsync("streaming-job-it");
        try (Admin admin = Admin.create(broker.eventHubsClientProperties())) {
            // Offsets are committed after a checkpoint, after the sinks flushed.
            Eventually.await("the job to commit every record", Duration.ofMinutes(2), () -> ConsumerLag.of(admin, group, topic) == 0);
        } finally {
            job.cancel().get();
        }

        List<Document> found = ES.search(findings, "azure.resource.name:nsg-web");
        assertThat(ES.count(findings)).isEqualTo(2);
        assertThat(found).hasSize(1);
        Document finding = found.get(0);
        assertThat(finding.id()).isEqualTo(FindingIds.of("nsg-deleted", "corr-1", nsg, NSG_DELETE));
        ObjectNode source = finding.source();
        assertThat(source.at("/event/id").asText()).isEqualTo(finding.id());
        assertThat(source.at("/rule/id").asText()).isEqualTo("nsg-deleted");
        assertThat(source.at("/azure/resource/id").asText()).isEqualTo(nsg);
        assertThat(source.at("/user/name").asText()).isEqualTo("alice");
        assertThat(source.at("/user/email").asText()).isEqualTo(ActivityRecords.ALICE);
        assertThat(source.at("/event/severity").asInt()).isEqualTo(73);
        assertThat(source.at("/source/ip").asText()).isEqualTo("203.0.113.7");
        assertThat(source.at("/source/address").asText()).isEqualTo("203.0.113.7");
        assertThat(ES.search(findings, "source.ip:\"203.0.113.7\"")).extracting(Document::id).containsExactly(finding.id());

        // Indexed, not dead-lettered, and found by its address.
        List<Document> fromHost = ES.search(findings, "source.address:\"gateway.contoso.internal\"");
        assertThat(fromHost).extracting(Document::id)
                .containsExactly(FindingIds.of("nsg-deleted", "corr-3", hostCallerNsg, NSG_DELETE));
        assertThat(fromHost.get(0).source().path("source").has("ip")).isFalse();
        assertThat(fromHost.get(0).source().path("related").has("ip")).isFalse();

        List<Document> dead = ES.all(deadLetters);
        assertThat(dead).hasSize(1);
        ObjectNode letter = dead.get(0).source();
        assertThat(letter.at("/deletion_watch/dead_letter/reason").asText()).isEqualTo("invalid_json");
        assertThat(letter.at("/deletion_watch/dead_letter/topic").asText()).isEqualTo(topic);
        assertThat(letter.at("/deletion_watch/dead_letter/partition").asInt()).isEqualTo(1);
        assertThat(letter.at("/deletion_watch/dead_letter/offset").asLong()).isEqualTo(2L);
        assertThat(letter.at("/deletion_watch/dead_letter/payload").asText()).isEqualTo("{\"records\": [ truncated");
    }

    private static ProducerRecord<byte[], byte[]> produce(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }
}
