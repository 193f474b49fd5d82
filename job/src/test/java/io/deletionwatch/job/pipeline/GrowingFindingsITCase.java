package io.deletionwatch.job.pipeline;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSink;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A finding that grows after it was first written replaces its earlier version in Elasticsearch,
 * and a replay, which emits every version again, puts no earlier one back: one document per
 * incident, with the numbers of its last version.
 */
class GrowingFindingsITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final int FIRST = 10;
    private static final int MORE = 25;
    private static final Duration SPACING = Duration.ofSeconds(10);

    @Test
    void shouldKeepOneDocumentWithTheLastCountWhenABurstGrowsAndTheInputIsReplayed() throws Exception {
        String findings = "logs-deletion_watch.findings-" + ElasticsearchNodeExtension.uniqueNamespace();
        List<Op> deletions = new ArrayList<>();
        // 10 deletions (the finding, high), then 25 more inside the window (critical from 30).
        for (int i = 0; i < FIRST + MORE; i++) {
            deletions.add(Op.delete(Ids.vm("rg-app", "vm-" + i)).at(minute(0).plus(SPACING.multipliedBy(i))));
        }
        Instant lastDeletion = minute(0).plus(SPACING.multipliedBy(FIRST + MORE - 1));
        List<KafkaRecord> records = PipelineHarness.records(Op.rows(deletions.toArray(Op[]::new)));

        run(records, findings);
        Document first = onlyDocument(findings);

        assertThat(first.source().at("/rule/id").asText()).isEqualTo("mass-deletion");
        assertThat(first.source().at("/deletion_watch/count").asLong()).isEqualTo(FIRST + MORE);
        assertThat(first.source().at("/deletion_watch/version").asLong()).isEqualTo(FIRST + MORE);
        assertThat(first.source().at("/deletion_watch/last_seen").asText()).isEqualTo(lastDeletion.toString());
        assertThat(first.source().at("/deletion_watch/severity").asText()).isEqualTo("critical");
        assertThat(first.source().at("/message").asText()).contains(" deleted 35 resources ");

        run(records, findings); // the replay emits the versions of 10, 30 and 35 deletions again
        Document afterReplay = onlyDocument(findings);

        assertThat(afterReplay.id()).isEqualTo(first.id());
        assertThat(afterReplay.source().at("/deletion_watch/count").asLong()).isEqualTo(FIRST + MORE);
        // Not even rewritten with an equal version: the replay made every version anew.
        assertThat(afterReplay.source().at("/event/created")).isEqualTo(first.source().at("/event/created"));
    }

    private static Document onlyDocument(String findings) {
        ES.refresh(findings);
        List<Document> all = ES.all(findings);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static void run(List<KafkaRecord> records, String findings) throws Exception {
        DetectionConfig config = DetectionConfig.defaults();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        ElasticsearchSinkOptions options =
                ES.sinkOptions()
                        .dataStream(findings)
                        .deadLetterDataStream(findings.replace("findings", "deadletter"))
                        .build();
        DeletionWatchPipeline.define(
                PipelineHarness.parsed(env, config, records),
                Rules.all(config),
                config,
                ElasticsearchSink.<Finding>builder()
                        .options(options)
                        .converter(FindingDocument::toIndexedDocument)
                        .build(),
                ElasticsearchSink.<DeadLetter>builder()
                        .options(options.toBuilder().dataStream(options.deadLetterDataStream()).build())
                        .converter(DeadLetterDocument::toIndexedDocument)
                        .build());
        env.execute("growing findings");
    }
}
