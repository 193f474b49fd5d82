package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.elasticsearch.Credentials;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.Secret;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.rules.Rules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job graph is what the client submits, the JobManager keeps in its HA storage and ships to the
 * TaskManagers: built exactly as {@code run} builds it, serialized as Flink serializes it, it holds
 * where the secrets are but none of them.
 */
class StreamingJobGraphTest {
    private static final String SHARED_ACCESS_KEY = "GraphT3st+SasKey/0123456789abcdefghijklmnopq=";
    private static final String CONNECTION_STRING =
            "Endpoint=sb://contoso-logs.servicebus.windows.net/;SharedAccessKeyName=listen;"
                    + "SharedAccessKey="
                    + SHARED_ACCESS_KEY;
    private static final String TRUSTSTORE_PASSWORD = "Gr4ph-truststore-pa55-81d0";
    private static final String ES_PASSWORD = "Gr4ph-es-pa55-27c4";

    @TempDir Path dir;

    @Test
    void theSerializedJobGraphHoldsNoSecretWhetherTheyComeFromTheEnvironmentOrFiles()
            throws Exception {
        Path connectionStringFile =
                Files.writeString(dir.resolve("eventhubs"), CONNECTION_STRING + "\n");
        for (EventHubsConnectionString connectionString :
                List.of(
                        EventHubsConnectionString.fromEnvironment(
                                        Map.of("EVENTHUBS_CONNECTION_STRING", CONNECTION_STRING))
                                .orElseThrow(),
                        EventHubsConnectionString.fromFile(connectionStringFile))) {
            String graph = serializedJobGraph(connectionString);

            // The scan sees the source's properties and the sink's options ...
            assertThat(graph)
                    .contains(
                            "${deletionwatch:eventhubs-jaas:"
                                    + connectionString.origin().orElseThrow()
                                    + "}")
                    .contains("${deletionwatch:value:file:" + dir.resolve("truststore-password"))
                    .contains("contoso-logs.servicebus.windows.net:9093")
                    .contains(dir.resolve("es-password").toString());
            // ... and no secret.
            assertThat(graph)
                    .doesNotContain(CONNECTION_STRING)
                    .doesNotContain(SHARED_ACCESS_KEY)
                    .doesNotContain(TRUSTSTORE_PASSWORD)
                    .doesNotContain(ES_PASSWORD);
        }
    }

    /** The job graph as the client submits it, with its execution config and user artifacts. */
    private String serializedJobGraph(EventHubsConnectionString connectionString) throws Exception {
        Path truststorePassword =
                Files.writeString(dir.resolve("truststore-password"), TRUSTSTORE_PASSWORD);
        Path esPassword = Files.writeString(dir.resolve("es-password"), ES_PASSWORD);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(30_000);
        StreamingJob.define(
                env,
                KafkaSourceOptions.builder()
                        .topic("insights-activity-logs")
                        .groupId("deletion-watch")
                        .truststore(
                                dir.resolve("ca.p12"), Secret.file(truststorePassword.toString()))
                        .build(),
                connectionString,
                ElasticsearchSinkOptions.builder()
                        .hosts("https://es.example.com:9243")
                        .credentials(new Credentials.Basic("writer", Secret.file(esPassword.toString())))
                        .build(),
                Rules.all(),
                DetectionConfig.defaults());
        JobGraph jobGraph = env.getStreamGraph(false).getJobGraph();
        StringBuilder all = new StringBuilder();
        all.append(latin1(InstantiationUtil.serializeObject(jobGraph)));
        all.append(latin1(jobGraph.getSerializedExecutionConfig().getByteArray()));
        all.append(jobGraph.getJobConfiguration());
        all.append(jobGraph.getUserArtifacts());
        all.append(env.getConfiguration());
        return all.toString();
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
