package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.rules.Rules;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The production job's edges: findings are sent at once, events under the buffer timeout. */
class FindingOutputsTest {
    private static final String MASS_DELETION_CEP = "mass-deletion: N deletions within the window (CEP)";

    @Test
    void everyEdgeThatCarriesFindingsSendsEachAtOnceAndEveryOtherKeepsTheBufferTimeout() {
        StreamGraph graph = productionGraph(new Configuration());
        Map<String, Integer> edges = edgesByKind(graph);
        // 18 edges leave operators that emit findings (each rule's, the NSG restore's, the
        // policy's); 2 carry mass-deletion's burst chunks; the 30 others carry events or dead letters
        assertThat(edges).isEqualTo(Map.of(
                "findings, timeout 0", 18,
                "burst chunks, timeout 0", 2,
                "other, timeout 10", 30));
    }

    @Test
    void aConfiguredBufferTimeoutAppliesToTheEdgesThatCarryEvents() {
        Configuration flink = new Configuration();
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, java.time.Duration.ofMillis(100));
        assertThat(edgesByKind(productionGraph(flink))).isEqualTo(Map.of(
                "findings, timeout 0", 18,
                "burst chunks, timeout 0", 2,
                "other, timeout 100", 30));
    }

    private static StreamGraph productionGraph(Configuration flink) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        StreamingJob.bufferTimeoutUnlessConfigured(env); // as `run` does
        StreamingJob.define(
                env,
                KafkaSourceOptions.builder()
                        .bootstrapServers("127.0.0.1:9092")
                        .topic("insights-activity-logs")
                        .groupId("deletion-watch")
                        .security(KafkaSourceOptions.Security.NONE)
                        .build(),
                null,
                ElasticsearchSinkOptions.builder().hosts("http://127.0.0.1:9200").build(),
                Rules.all(),
                DetectionConfig.defaults());
        return env.getStreamGraph(false);
    }

    private static Map<String, Integer> edgesByKind(StreamGraph graph) {
        TypeSerializer<Finding> findings =
                TypeInformation.of(Finding.class).createSerializer(graph.getExecutionConfig().getSerializerConfig());
        Map<String, Integer> edges = new TreeMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            for (StreamEdge edge : node.getOutEdges()) {
                String kind = findings.equals(node.getTypeSerializerOut())
                        ? "findings"
                        : node.getOperatorName().equals(MASS_DELETION_CEP) ? "burst chunks" : "other";
                edges.merge(kind + ", timeout " + edge.getBufferTimeout(), 1, Integer::sum);
            }
        }
        return edges;
    }
}
