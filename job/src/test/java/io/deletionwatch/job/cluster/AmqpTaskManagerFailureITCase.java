package io.deletionwatch.job.cluster;

import static io.deletionwatch.job.cluster.JobOnCluster.cancel;
import static io.deletionwatch.job.cluster.JobOnCluster.detect;
import static io.deletionwatch.job.cluster.JobOnCluster.seconds;
import static io.deletionwatch.job.cluster.JobOnCluster.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.localstack.FlinkCluster;
import io.deletionwatch.connectors.localstack.FlinkRestClient;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.cli.RatePacer;
import io.deletionwatch.job.cluster.JobOnCluster.Expected;
import io.deletionwatch.job.cluster.JobOnCluster.Target;
import io.deletionwatch.job.testing.IncidentStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskManagerFailureITCase} with the job reading over AMQP: the wire-level Event Hubs
 * endpoint (a test fixture the real SDK talks to) in this JVM, the job submitted to a real
 * standalone cluster with {@code --source amqp}, a TaskManager SIGKILLed mid-stream. The job
 * restores each partition's checkpointed sequence number on a replacement TaskManager, and
 * Elasticsearch ends up with exactly the finding ids of a run without the fault.
 */
class AmqpTaskManagerFailureITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    private static final String HUB = "failover";
    /** Twelve epochs: ~3 200 records, 132 incidents of every rule. */
    private static final int EPOCHS = 12;
    private static final int CHUNK = 50;

    @Test
    void shouldRecoverFromAKilledTaskManagerWithTheSameFindings(@TempDir Path dir) throws Exception {
        List<String> stream = IncidentStream.records(EPOCHS);
        Expected expected = detect(stream, dir);
        assertThat(expected.ids()).hasSize(11 * EPOCHS);

        try (EventHubsEndpoint endpoint = EventHubsEndpoint.builder().eventHub(HUB, JobOnCluster.PARTITIONS).start();
                FlinkCluster flink = JobOnCluster.cluster("AmqpTaskManagerFailureITCase").start()) {
            // Read on the JobManager and the TaskManagers from this file, as from a mounted secret.
            Path secret = Files.writeString(dir.resolve("eventhubs-connection-string"), endpoint.connectionString());
            FlinkRestClient rest = flink.rest();
            Target target = Target.fresh(HUB);
            String job = submit(rest, List.of(
                    "--source", "amqp",
                    "--eventhubs-connection-string-file", secret.toString(),
                    "--topic", HUB,
                    "--es-url", ES.url(),
                    "--findings-data-stream", target.findings(),
                    "--dead-letter-data-stream", target.deadLetters()), null);
            try {
                int half = stream.size() / 2;
                publish(endpoint, stream, 0, half);
                long before = rest.checkpoints(job).completed();
                Eventually.await("a checkpoint after the first half was published", Duration.ofMinutes(1),
                        () -> rest.checkpoints(job).completed() > before);

                CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                    try {
                        RatePacer chunks = RatePacer.perSecond(500.0 / CHUNK); // ~500 records/s
                        for (int from = half; from < stream.size(); from += CHUNK) {
                            chunks.acquire();
                            publish(endpoint, stream, from, Math.min(stream.size(), from + CHUNK));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });

                FlinkCluster.TaskManager victim = flink.taskManagers().get(0);
                long killedAt = System.nanoTime();
                victim.kill();
                flink.startTaskManager();
                Eventually.await("the job to restore from a checkpoint with all tasks running", Duration.ofMinutes(3),
                        () -> rest.checkpoints(job).restored() >= 1 && rest.allTasksRunning(job));
                double running = seconds(System.nanoTime() - killedAt);
                feed.join();

                Eventually.await("every event delivered to the restored job", JobOnCluster.CATCH_UP,
                        () -> endpoint.deliveredAll(HUB, EventHubsAmqpOptions.DEFAULT_CONSUMER_GROUP));
                try {
                    Eventually.await("the findings data stream to hold every expected finding", Duration.ofMinutes(2),
                            () -> JobOnCluster.ids(ES, target.findings()).containsAll(expected.ids()));
                } catch (AssertionError timedOut) {
                    // the exact comparison below says what is missing
                }
                System.out.printf("[amqp-tm-kill] killed %s; all tasks running again after %.1f s; %d checkpoints restored%n",
                        victim, running, rest.checkpoints(job).restored());

                assertThat(victim.isAlive()).isFalse();
                JobOnCluster.assertExactly(ES, target.findings(), expected);
                assertThat(ES.count(target.deadLetters())).as("dead letters: late events or rejected findings").isZero();
                assertThat(rest.jobStatus(job)).isEqualTo("RUNNING");
            } finally {
                cancel(rest, job);
            }
        }
    }

    /** Records {@code from} to {@code to}, alternating between the partitions, as in the Kafka test. */
    private static void publish(EventHubsEndpoint endpoint, List<String> records, int from, int to) {
        List<List<byte[]>> byPartition = new ArrayList<>();
        for (int p = 0; p < JobOnCluster.PARTITIONS; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (int i = from; i < to; i++) {
            byPartition.get(i % JobOnCluster.PARTITIONS).add(records.get(i).getBytes(StandardCharsets.UTF_8));
        }
        for (int p = 0; p < JobOnCluster.PARTITIONS; p++) {
            endpoint.publish(HUB, String.valueOf(p), byPartition.get(p));
        }
    }
}
