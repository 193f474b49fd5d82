package io.deletionwatch.job.pipeline;

import static io.deletionwatch.job.testing.ActivityRecords.BEGINNING;
import static io.deletionwatch.job.testing.ActivityRecords.nsgId;
import static io.deletionwatch.job.testing.ActivityRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.IndexTemplates;
import io.deletionwatch.connectors.elasticsearch.SinkMetrics;
import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.connectors.testing.CapturedLogs;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.testing.EventHubsJobOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.job.testing.ActivityRecords;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elasticsearch faults under the whole streaming job (SASL_SSL broker, checkpointing MiniCluster,
 * the production sink settings), against a real node this class owns so it can kill it: a 60 s
 * outage mid-stream, a document the node refuses (400) and the node answering 429. Every finding
 * must arrive exactly once, refused ones as dead letters, and the job must never restart.
 */
class ElasticsearchFaultsITCase {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchFaultsITCase.class);

    /** The broker accepts this JVM's EVENTHUBS_CONNECTION_STRING, which the job reads where it runs. */
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            KafkaBrokerExtension.withConnectionStringFromEnvironment();


    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static final String NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete";
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    /**
     * The node for these tests only. The disk monitor is off: it would lift the flood-stage block
     * the 429 test sets by hand.
     */
    private static ElasticsearchNode node;

    @BeforeAll
    static void startNode() throws IOException {
        node =
                ElasticsearchNode.start(
                        ElasticsearchNode.Options.defaults()
                                .withHeap("384m")
                                .withSetting(
                                        "cluster.routing.allocation.disk.threshold_enabled",
                                        "false"));
    }

    @AfterAll
    static void stopNode() throws IOException {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aSixtySecondOutageMidStreamLosesAndDuplicatesNothingAndNeverRestartsTheJob()
            throws Exception {
        Stream stream = new Stream("outage");
        JobClient job = stream.start();
        try {
            stream.publish(deletes(0, 10));
            stream.awaitFindings(10);

            long retriesBefore = metric(job.getJobID(), SinkMetrics.RETRIES);
            node.kill();
            Instant killed = Instant.now();
            LOG.info("Elasticsearch node killed; {} s outage starts", OUTAGE.toSeconds());
            // Findings keep coming while the node is down: the sink must hold them and retry.
            stream.publish(deletes(10, 25));
            Eventually.await(
                    "the sink to retry against the dead node",
                    Duration.ofMinutes(1),
                    () -> metric(job.getJobID(), SinkMetrics.RETRIES) > retriesBefore);
            Eventually.await(
                    "half of the outage",
                    OUTAGE,
                    () -> Duration.between(killed, Instant.now()).compareTo(OUTAGE.dividedBy(2)) >= 0);
            stream.publish(deletes(25, 40));
            Eventually.await(
                    "the whole outage",
                    OUTAGE.plusSeconds(10),
                    () -> Duration.between(killed, Instant.now()).compareTo(OUTAGE) >= 0);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            node = node.restart();
            Instant back = Instant.now();
            LOG.info("Elasticsearch node back after {} s", Duration.between(killed, back).toSeconds());
            stream.awaitFindings(40);
            Duration recovery = Duration.between(back, Instant.now());
            LOG.info("all 40 findings present {} ms after the node was back", recovery.toMillis());
            System.out.println(
                    "[ElasticsearchFaultsITCase] outage "
                            + Duration.between(killed, back).toSeconds()
                            + " s; all findings present "
                            + recovery.toMillis()
                            + " ms after the node was back");
            stream.awaitEverythingCommitted();

            assertThat(stream.findingIds()).isEqualTo(expectedIds(0, 40));
            assertThat(stream.es().count(stream.findings)).isEqualTo(40);
            assertThat(stream.es().count(stream.deadLetters)).isZero();
            assertThat(metric(job.getJobID(), SinkMetrics.RETRIES)).isGreaterThan(retriesBefore);
            assertThat(restarts(job.getJobID())).isZero();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            stream.stop(job);
        }
    }

    @Test
    void aFindingTheNodeRefusesBecomesADeadLetterWithTheReasonAndTheJobGoesOn() throws Exception {
        Stream stream = new Stream("refused");
        // This stream's own template, above the production one, maps source.address as an ip
        // field: a finding whose caller address is no IP is then refused with a 400.
        installTemplateWithSourceAddressAsIp(stream);
        JobClient job = stream.start();
        try {
            List<ActivityRecords> records = new ArrayList<>(deletes(0, 3));
            records.add(
                    record(NSG_DELETE, nsgId("rg-prod", "nsg-bad-ip"), "Success", "corr-bad", BEGINNING)
                            .set("callerIpAddress", "not-an-ip"));
            records.addAll(deletes(3, 6));
            stream.publish(records);
            stream.awaitFindings(6);
            Eventually.await(
                    "the refused finding as a dead letter",
                    Duration.ofMinutes(2),
                    () -> stream.es().count(stream.deadLetters) == 1);
            stream.publish(deletes(6, 9));
            stream.awaitFindings(9);
            stream.awaitEverythingCommitted();

            assertThat(stream.findingIds()).isEqualTo(expectedIds(0, 9));
            List<Document> dead = stream.es().all(stream.deadLetters);
            assertThat(dead).hasSize(1);
            String refusedId =
                    FindingIds.of(
                            "nsg-deleted", "corr-bad", nsgId("rg-prod", "nsg-bad-ip"), NSG_DELETE);
            var letter = dead.get(0).source();
            assertThat(letter.at("/deletion_watch/dead_letter/reason").asText())
                    .isEqualTo("rejected_by_elasticsearch");
            assertThat(letter.at("/deletion_watch/dead_letter/stage").asText()).isEqualTo("sink");
            assertThat(letter.at("/deletion_watch/dead_letter/detail").asText())
                    .startsWith(
                            "create into "
                                    + stream.findings
                                    + " with _id "
                                    + refusedId
                                    + " refused: 400 document_parsing_exception: ")
                    .contains("failed to parse field [source.address] of type [ip]");
            assertThat(letter.at("/deletion_watch/dead_letter/payload").asText())
                    .contains(refusedId)
                    .contains("not-an-ip");
            assertThat(metric(job.getJobID(), SinkMetrics.DOCUMENTS_DEAD_LETTERED)).isEqualTo(1);
            assertThat(restarts(job.getJobID())).isZero();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            stream.stop(job);
        }
    }

    @Test
    void whileTheNodeAnswers429TheSinkHoldsBackAndThenDeliversEverythingOnce() throws Exception {
        Stream stream = new Stream("toomany");
        JobClient job = stream.start();
        try (CapturedLogs logs = new CapturedLogs()) {
            stream.publish(deletes(0, 5));
            stream.awaitFindings(5);
            // The flood-stage block: what a node with a full disk does; it answers every create 429.
            setReadOnlyAllowDelete(stream, true);
            long retriesBefore = metric(job.getJobID(), SinkMetrics.RETRIES);
            stream.publish(deletes(5, 20));
            Eventually.await(
                    "the sink to back off from 429 answers",
                    Duration.ofMinutes(2),
                    () -> metric(job.getJobID(), SinkMetrics.RETRIES) >= retriesBefore + 3);
            assertThat(stream.es().count(stream.findings)).isEqualTo(5);
            assertThat(logs.text())
                    .contains("documents answered 429 cluster_block_exception")
                    .contains("TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark");

            setReadOnlyAllowDelete(stream, false);
            stream.awaitFindings(20);
            stream.awaitEverythingCommitted();

            assertThat(stream.findingIds()).isEqualTo(expectedIds(0, 20));
            assertThat(stream.es().count(stream.deadLetters)).isZero();
            assertThat(metric(job.getJobID(), SinkMetrics.DOCUMENTS_DEAD_LETTERED)).isZero();
            assertThat(restarts(job.getJobID())).isZero();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            stream.stop(job);
        }
    }

    /**
     * The production findings template, for this stream's data stream only and with a higher
     * priority, with source.address mapped as ip: a real mapping conflict, as an index template
     * edited by hand would make.
     */
    private static void installTemplateWithSourceAddressAsIp(Stream stream) throws IOException {
        ObjectNode body = IndexTemplates.body(IndexTemplates.FINDINGS);
        body.putArray("index_patterns").add(stream.findings);
        body.put("priority", body.path("priority").asInt() + 1);
        ((ObjectNode) body.at("/template/mappings/properties/source/properties/address"))
                .removeAll()
                .put("type", "ip");
        String json = body.toString();
        stream.es()
                .client()
                .indices()
                .putIndexTemplate(
                        r -> r.name("refusing-" + stream.findings).withJson(new StringReader(json)));
    }

    private static void setReadOnlyAllowDelete(Stream stream, boolean blocked) throws IOException {
        stream.es()
                .client()
                .indices()
                .putSettings(
                        r ->
                                r.index(stream.findings)
                                        .settings(
                                                s ->
                                                        s.blocks(
                                                                b ->
                                                                        b.readOnlyAllowDelete(
                                                                                blocked))));
    }

    /** One successful NSG delete each, on NSGs {@code from} to {@code to - 1}. */
    private static List<ActivityRecords> deletes(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(
                        n ->
                                record(
                                        NSG_DELETE,
                                        nsgId("rg-prod", "nsg-" + n),
                                        "Success",
                                        "corr-" + n,
                                        BEGINNING.plusSeconds(n)))
                .toList();
    }

    private static Set<String> expectedIds(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(
                        n ->
                                FindingIds.of(
                                        "nsg-deleted",
                                        "corr-" + n,
                                        nsgId("rg-prod", "nsg-" + n),
                                        NSG_DELETE))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A sink counter summed over the job's subtasks and both sinks. */
    private static long metric(JobID job, String name) {
        return METRICS.findMetrics(job, name).values().stream()
                .filter(Counter.class::isInstance)
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    /** Flink's numRestarts of the job: any task failure would have restarted it. */
    private static long restarts(JobID job) {
        var gauges = METRICS.findMetrics(job, "numRestarts");
        assertThat(gauges).as("the numRestarts metric of " + job).isNotEmpty();
        return gauges.values().stream()
                .mapToLong(g -> ((Number) ((Gauge<?>) g).getValue()).longValue())
                .max()
                .orElseThrow();
    }

    /** One topic, consumer group and pair of data streams, and the job reading them. */
    private static final class Stream {
        final KafkaBroker broker = KAFKA.broker();
        final String topic;
        final String group;
        final String findings;
        final String deadLetters;
        private int published;
        private ElasticsearchTestClient client;

        Stream(String name) throws Exception {
            topic = KAFKA.newTopic(name, 2);
            String namespace = ElasticsearchNodeExtension.uniqueNamespace();
            group = "it-" + namespace;
            findings = "logs-deletion_watch.findings-" + namespace;
            deadLetters = "logs-deletion_watch.deadletter-" + namespace;
        }

        /** The production wiring and sink settings; only the data streams are the test's own. */
        JobClient start() throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(500);
            StreamingJob.define(
                    env,
                    EventHubsJobOptions.kafka(broker, topic, group),
                EventHubsJobOptions.connectionString(),
                    ElasticsearchSinkOptions.builder()
                            .hosts(node.httpUrl())
                            .dataStream(findings)
                            .deadLetterDataStream(deadLetters)
                            .build(),
                    Rules.all(),
                    DetectionConfig.defaults());
            return env.executeAsync("elasticsearch-faults-" + topic);
        }

        void publish(List<ActivityRecords> records) throws Exception {
            List<ProducerRecord<byte[], byte[]>> values = new ArrayList<>();
            for (ActivityRecords record : records) {
                values.add(
                        new ProducerRecord<>(
                                topic,
                                published++ % 2,
                                null,
                                ActivityRecords.envelope(0, record)
                                        .valueText()
                                        .getBytes(StandardCharsets.UTF_8)));
            }
            try (TopicPublisher publisher =
                    new TopicPublisher(broker.eventHubsClientProperties())) {
                publisher.publish(values);
            }
        }

        /** A client of the node; it survives restarts, which keep the port. */
        ElasticsearchTestClient es() {
            if (client == null) {
                client = ElasticsearchTestClient.connect(node.httpUrl());
            }
            return client;
        }

        void awaitFindings(long count) throws Exception {
            Eventually.await(
                    count + " findings in " + findings,
                    Duration.ofMinutes(3),
                    () -> {
                        try {
                            return es().count(findings) >= count;
                        } catch (RuntimeException e) {
                            return false;
                        }
                    });
        }

        /** Offsets are committed on checkpoints, after the sinks flushed: nothing is pending. */
        void awaitEverythingCommitted() throws Exception {
            try (Admin admin = Admin.create(broker.eventHubsClientProperties())) {
                Eventually.await(
                        "the job to commit every record",
                        Duration.ofMinutes(2),
                        () -> ConsumerLag.of(admin, group, topic) == 0);
            }
        }

        Set<String> findingIds() {
            return es().all(findings).stream()
                    .map(Document::id)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        void stop(JobClient job) throws Exception {
            try {
                if (!job.getJobStatus().get().isTerminalState()) {
                    job.cancel().get();
                }
            } finally {
                if (client != null) {
                    client.close();
                }
            }
        }
    }
}
