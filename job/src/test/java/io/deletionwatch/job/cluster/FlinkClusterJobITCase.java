package io.deletionwatch.job.cluster;

import static io.deletionwatch.job.cluster.JobOnCluster.args;
import static io.deletionwatch.job.cluster.JobOnCluster.awaitCommitted;
import static io.deletionwatch.job.cluster.JobOnCluster.awaitFindings;
import static io.deletionwatch.job.cluster.JobOnCluster.cancel;
import static io.deletionwatch.job.cluster.JobOnCluster.detect;
import static io.deletionwatch.job.cluster.JobOnCluster.publish;
import static io.deletionwatch.job.cluster.JobOnCluster.recordsRead;
import static io.deletionwatch.job.cluster.JobOnCluster.seconds;
import static io.deletionwatch.job.cluster.JobOnCluster.submit;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.FlinkCluster;
import io.deletionwatch.connectors.localstack.FlinkRestClient;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.job.cluster.JobOnCluster.Expected;
import io.deletionwatch.job.cluster.JobOnCluster.Target;
import io.deletionwatch.job.testing.DemoSample;
import io.deletionwatch.job.testing.IncidentStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as it runs in production: the shaded jar submitted through REST (what {@code flink run}
 * does) to a real standalone Flink 2.2.1 session cluster (a JobManager and two TaskManager JVMs,
 * RocksDB state backend, retained checkpoints), reading a 2-partition topic through the Event
 * Hubs-style SASL_SSL listener of a real Kafka broker, writing to a real Elasticsearch node. One
 * cluster for the class; each test runs its own job on its own topic and data streams.
 */
class FlinkClusterJobITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    /** Six epochs: ~1 600 records, 66 incidents of every rule. */
    private static final int EPOCHS = 6;

    private static FlinkCluster flink;
    private static List<String> stream;
    private static Expected streamFindings;

    @BeforeAll
    static void startCluster(@TempDir Path dir) throws Exception {
        long begin = System.nanoTime();
        flink =
                JobOnCluster.cluster(KAFKA.broker(), "FlinkClusterJobITCase")
                        .config("state.backend.type", "rocksdb")
                        .config("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
                        .config("execution.checkpointing.num-retained", "2")
                        .start();
        System.out.printf(
                "[cluster] JobManager + 2 TaskManagers (RocksDB) up in %.1f s (TaskManagers registered after %s)%n",
                seconds(System.nanoTime() - begin),
                flink.taskManagers().stream().map(tm -> String.format("%.1f s", tm.startupTime().toMillis() / 1e3)).toList());
        stream = IncidentStream.records(EPOCHS);
        streamFindings = detect(stream, dir);
        assertThat(streamFindings.byRule()).hasSize(7);
        assertThat(streamFindings.ids()).hasSize(11 * EPOCHS);
        assertThat(streamFindings.deadLetters()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (flink != null) {
            flink.close();
        }
    }

    @Test
    void shouldFindExactlyTheDemoSampleIncidentsWhenTheJarRunsOnTheCluster(@TempDir Path dir) throws Exception {
        List<String> sample =
                Files.readAllLines(Path.of("samples").resolve(DemoSample.FILE.getFileName()), StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank())
                        .toList();
        Expected expected = detect(sample, dir);
        assertThat(expected.ids()).hasSize(11);
        assertThat(expected.byRule()).hasSize(7);
        KafkaBroker broker = KAFKA.broker();
        Target target = Target.fresh(KAFKA.newTopic("demo", JobOnCluster.PARTITIONS));
        publish(broker, target.topic(), sample, 0, sample.size());

        FlinkRestClient rest = flink.rest();
        long begin = System.nanoTime();
        String job = submit(rest, args(broker, ES.url(), target), null);
        try {
            System.out.printf("[demo] submitted and all tasks running after %.1f s%n", seconds(System.nanoTime() - begin));
            // the cluster's configuration rules: RunCommand must not override it
            JsonNode checkpointing = rest.checkpointConfig(job);
            assertThat(checkpointing.path("interval").asLong()).isEqualTo(1_000);
            assertThat(checkpointing.path("state_backend").asText()).isEqualTo("EmbeddedRocksDBStateBackend");
            assertThat(checkpointing.path("externalization").path("enabled").asBoolean()).isTrue();
            assertThat(checkpointing.path("externalization").path("delete_on_cancellation").asBoolean()).isFalse();
            assertThat(rest.jobConfig(job).path("execution-config").path("restart-strategy").asText())
                    .containsIgnoringCase("exponential");

            Set<String> found = awaitFindings(broker, ES, target, expected.ids());
            System.out.printf("[demo] %d findings in Elasticsearch %.1f s after submission%n", found.size(), seconds(System.nanoTime() - begin));
            JobOnCluster.assertExactly(ES, target.findings(), expected);
            assertThat(ES.count(target.deadLetters())).isZero();
        } finally {
            cancel(rest, job);
        }
    }

    @Test
    void shouldResumeFromASavepointWithItsPartialMatchesAndOffsets() throws Exception {
        // Stop inside the middle epoch's mass deletion: 6 of its 14 deletions before, 8 after. Only
        // a burst counted across the restart reaches the threshold (10).
        int burstStart = IncidentStream.indexOf(stream, stream.size() / 2, DemoSample.SHOP, "/delete", "\"Success\"");
        int split = IncidentStream.indexOf(stream, burstStart + 1, DemoSample.SHOP + "/", "/delete", "\"Success\"");
        for (int i = 0; i < 5; i++) {
            split = IncidentStream.indexOf(stream, split + 1, DemoSample.SHOP + "/", "/delete", "\"Success\"");
        }
        KafkaBroker broker = KAFKA.broker();
        Target target = Target.fresh(KAFKA.newTopic("savepoint", JobOnCluster.PARTITIONS));
        FlinkRestClient rest = flink.rest();
        List<String> args = args(broker, ES.url(), target);

        String first = submit(rest, args, null);
        String savepoint;
        try {
            publish(broker, target.topic(), stream, 0, split);
            awaitCommitted(broker, target);
            long begin = System.nanoTime();
            savepoint = rest.stopWithSavepoint(first, flink.savepointsDir().toUri().toString(), Duration.ofMinutes(2));
            System.out.printf("[savepoint] stop-with-savepoint took %.1f s: %s%n", seconds(System.nanoTime() - begin), savepoint);
            rest.waitForStatus(first, "FINISHED", Duration.ofMinutes(1));
        } finally {
            cancel(rest, first);
        }
        publish(broker, target.topic(), stream, split, stream.size());

        String second = submit(rest, args, savepoint);
        try {
            FlinkRestClient.Checkpoints checkpoints = rest.checkpoints(second);
            assertThat(checkpoints.latestRestored()).hasValueSatisfying(r -> {
                assertThat(r.savepoint()).isTrue();
                assertThat(r.externalPath()).isEqualTo(savepoint);
            });
            awaitFindings(broker, ES, target, streamFindings.ids());
            JobOnCluster.assertExactly(ES, target.findings(), streamFindings);
            assertThat(ES.count(target.deadLetters())).isZero();
            // the resumed job read only what came after the savepoint: nothing again from the start
            assertThat(recordsRead(rest, second, stream.size() - split)).isEqualTo(stream.size() - split);
        } finally {
            cancel(rest, second);
        }
    }

    @Test
    void shouldResumeFromTheRetainedCheckpointOfACancelledJob() throws Exception {
        // Cancel between the middle epoch's detaching of the payments NSG and its deletion: the
        // sequence finding needs the detachment kept in state across the restart.
        int detach = IncidentStream.indexOf(stream, stream.size() / 2, "vnet-payments/subnets/payments", DemoSample.DAVE.displayName());
        int split = IncidentStream.indexOf(stream, detach + 1, "nsg-payments", "networkSecurityGroups/delete");
        KafkaBroker broker = KAFKA.broker();
        Target target = Target.fresh(KAFKA.newTopic("retained", JobOnCluster.PARTITIONS));
        FlinkRestClient rest = flink.rest();
        List<String> args = args(broker, ES.url(), target);

        String first = submit(rest, args, null);
        String checkpoint;
        try {
            publish(broker, target.topic(), stream, 0, split);
            awaitCommitted(broker, target);
        } finally {
            cancel(rest, first);
        }
        FlinkRestClient.Checkpoints retained = rest.checkpoints(first);
        checkpoint = retained.latestCompleted().orElseThrow().externalPath();
        System.out.printf("[retained] %d checkpoints completed, latest %s (%d ms end to end, %d bytes)%n",
                retained.completed(), checkpoint,
                retained.latestCompleted().orElseThrow().endToEndDurationMillis(),
                retained.latestCompleted().orElseThrow().stateSize());
        assertThat(Path.of(java.net.URI.create(checkpoint)).resolve("_metadata")).as("retained on cancel").isRegularFile();
        publish(broker, target.topic(), stream, split, stream.size());

        String second = submit(rest, args, checkpoint);
        try {
            // (REST reports any snapshot a job was started from as a savepoint)
            assertThat(rest.checkpoints(second).latestRestored()).hasValueSatisfying(r ->
                    assertThat(r.externalPath()).isEqualTo(checkpoint));
            awaitFindings(broker, ES, target, streamFindings.ids());
            JobOnCluster.assertExactly(ES, target.findings(), streamFindings);
            assertThat(ES.count(target.deadLetters())).isZero();
            assertThat(recordsRead(rest, second, stream.size() - split)).isEqualTo(stream.size() - split);
        } finally {
            cancel(rest, second);
        }
    }
}
