package io.deletionwatch.connectors.elasticsearch;

import static io.deletionwatch.connectors.elasticsearch.SampleFindings.findings;
import static io.deletionwatch.connectors.elasticsearch.SampleFindings.sentById;
import static io.deletionwatch.connectors.elasticsearch.SampleFindings.storedById;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink in bounded Flink jobs on a MiniCluster against a real Elasticsearch node, with small
 * bulks so every job sends several.
 */
class ElasticsearchSinkITCase {
    @RegisterExtension
    static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    @Test
    void replayingTheSameFiftyFindingsLeavesExactlyFiftyDocumentsAndCountsTheConflictsAsSuccess()
            throws Exception {
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        ElasticsearchSinkOptions options = options(namespace).maxActions(7).build();
        List<IndexedDocument> documents = findings(50);

        JobID firstRun = run(documents, options);
        JobID replay = run(documents, options);

        assertThat(ES.count(options.dataStream())).isEqualTo(50);
        assertThat(storedById(ES.all(options.dataStream()))).isEqualTo(sentById(documents));
        assertThat(metric(firstRun, SinkMetrics.DOCUMENTS_SENT)).isEqualTo(50);
        assertThat(metric(firstRun, SinkMetrics.DOCUMENTS_ALREADY_PRESENT)).isZero();
        assertThat(metric(replay, SinkMetrics.DOCUMENTS_SENT)).isZero();
        assertThat(metric(replay, SinkMetrics.DOCUMENTS_ALREADY_PRESENT)).isEqualTo(50);
        assertThat(metric(replay, SinkMetrics.DOCUMENTS_DEAD_LETTERED)).isZero();
        // Two writers get 25 documents each (round robin) and send bulks of 7, 7, 7 and 4.
        assertThat(metric(replay, SinkMetrics.BULK_REQUESTS)).isEqualTo(8);
        assertThat(ES.count(options.deadLetterDataStream())).isZero();
    }

    @Test
    void findingsTheMappingRefusesGoToTheDeadLetterStreamWhileTheRestOfTheirBulkIsIndexed()
            throws Exception {
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        ElasticsearchSinkOptions options = options(namespace).maxActions(4).build();
        List<IndexedDocument> documents = new ArrayList<>(findings(10));
        IndexedDocument badSeverity =
                SampleFindings.withField(3, "event", "severity", "not-a-number");
        IndexedDocument badTimestamp = SampleFindings.withField(6, null, "@timestamp", "yesterday");
        documents.set(3, badSeverity);
        documents.set(6, badTimestamp);

        JobID job = run(documents, options);

        List<IndexedDocument> good = new ArrayList<>(documents);
        good.remove(badTimestamp);
        good.remove(badSeverity);
        assertThat(storedById(ES.all(options.dataStream()))).isEqualTo(sentById(good));

        List<Document> deadLetters = ES.all(options.deadLetterDataStream());
        assertThat(deadLetters).hasSize(2);
        Map<String, ObjectNode> byPayload =
                deadLetters.stream()
                        .map(Document::source)
                        .collect(
                                Collectors.toMap(
                                        d -> d.at("/deletion_watch/dead_letter/payload").asText(),
                                        Function.identity()));
        assertThat(byPayload)
                .containsOnlyKeys(
                        new String(badSeverity.source(), UTF_8),
                        new String(badTimestamp.source(), UTF_8));
        ObjectNode severityLetter = byPayload.get(new String(badSeverity.source(), UTF_8));
        assertThat(severityLetter.at("/deletion_watch/dead_letter/reason").asText())
                .isEqualTo("rejected_by_elasticsearch");
        assertThat(severityLetter.at("/deletion_watch/dead_letter/stage").asText())
                .isEqualTo("sink");
        assertThat(severityLetter.at("/deletion_watch/dead_letter/payload_encoding").asText())
                .isEqualTo("utf-8");
        assertThat(severityLetter.at("/error/code").asText())
                .isEqualTo("rejected_by_elasticsearch");
        assertThat(severityLetter.at("/deletion_watch/dead_letter/detail").asText())
                .startsWith(
                        "create into "
                                + options.dataStream()
                                + " with _id "
                                + badSeverity.id()
                                + " refused: 400 document_parsing_exception: ")
                .contains("failed to parse field [event.severity] of type [long]");
        ObjectNode timestampLetter = byPayload.get(new String(badTimestamp.source(), UTF_8));
        assertThat(timestampLetter.at("/deletion_watch/dead_letter/detail").asText())
                .startsWith(
                        "create into "
                                + options.dataStream()
                                + " with _id "
                                + badTimestamp.id()
                                + " refused: 400 document_parsing_exception: ")
                .contains("[@timestamp]");
        assertThat(metric(job, SinkMetrics.DOCUMENTS_SENT)).isEqualTo(8);
        assertThat(metric(job, SinkMetrics.DOCUMENTS_DEAD_LETTERED)).isEqualTo(2);
        assertThat(metric(job, SinkMetrics.DEAD_LETTER_FAILURES)).isZero();
    }

    @Test
    void findingsWrittenBeforeTheNodeIsUpArriveExactlyOnceAfterItStarts() throws Exception {
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        int port = ElasticsearchNode.freePort();
        ElasticsearchSinkOptions options =
                options(namespace)
                        .hosts("http://127.0.0.1:" + port)
                        .maxActions(10)
                        .initialBackoff(Duration.ofMillis(50))
                        .maxBackoff(Duration.ofMillis(500))
                        .build();
        List<IndexedDocument> documents = findings(30);
        JobClient client = environment(documents, options).executeAsync();
        JobID job = client.getJobID();
        try {
            awaitUntil(
                    "the writer has retried three times",
                    () -> metric(job, SinkMetrics.RETRIES) >= 3,
                    () -> client.getJobStatus().get().isTerminalState());
            try (ElasticsearchNode node =
                            ElasticsearchNode.start(
                                    ElasticsearchNode.Options.defaults().withHttpPort(port));
                    ElasticsearchTestClient local =
                            ElasticsearchTestClient.connect(node.httpUrl())) {
                client.getJobExecutionResult().get(3, TimeUnit.MINUTES);

                assertThat(storedById(local.all(options.dataStream()))).isEqualTo(sentById(documents));
                assertThat(local.templateNames())
                        .contains(IndexTemplates.FINDINGS, IndexTemplates.DEAD_LETTERS);
            }
        } finally {
            if (!client.getJobStatus().get().isTerminalState()) {
                client.cancel().get();
            }
        }
        assertThat(metric(job, SinkMetrics.DOCUMENTS_SENT)).isEqualTo(30);
    }

    private static ElasticsearchSinkOptions.Builder options(String namespace) {
        return ES.sinkOptions()
                .dataStream("logs-deletion_watch.findings-" + namespace)
                .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace);
    }

    /** Runs a bounded job writing {@code documents} to completion. */
    private static JobID run(List<IndexedDocument> documents, ElasticsearchSinkOptions options)
            throws Exception {
        return environment(documents, options).execute().getJobID();
    }

    private static StreamExecutionEnvironment environment(
            List<IndexedDocument> documents, ElasticsearchSinkOptions options) {
        return SinkJob.environment(documents, options, 2);
    }

    /** Polls {@code condition} every 20 ms for up to two minutes; fails early on {@code giveUp}. */
    private static void awaitUntil(String what, Check condition, Check giveUp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.holds()) {
            assertThat(giveUp.holds()).as("gave up waiting until " + what).isFalse();
            assertThat(System.nanoTime())
                    .as("timed out waiting until " + what)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    /** A sink counter summed over the job's subtasks. */
    private static long metric(JobID job, String name) {
        return METRICS.findMetrics(job, name).values().stream()
                .filter(Counter.class::isInstance)
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

}
