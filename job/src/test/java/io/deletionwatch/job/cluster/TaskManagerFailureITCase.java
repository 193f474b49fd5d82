package io.deletionwatch.job.cluster;

import static io.deletionwatch.job.cluster.JobOnCluster.args;
import static io.deletionwatch.job.cluster.JobOnCluster.awaitFindings;
import static io.deletionwatch.job.cluster.JobOnCluster.cancel;
import static io.deletionwatch.job.cluster.JobOnCluster.detect;
import static io.deletionwatch.job.cluster.JobOnCluster.publish;
import static io.deletionwatch.job.cluster.JobOnCluster.seconds;
import static io.deletionwatch.job.cluster.JobOnCluster.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.FlinkCluster;
import io.deletionwatch.connectors.localstack.FlinkRestClient;
import io.deletionwatch.connectors.localstack.FlinkRestClient.Checkpoints;
import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import io.deletionwatch.connectors.testing.Eventually;
import io.deletionwatch.job.cli.RatePacer;
import io.deletionwatch.job.cluster.JobOnCluster.Expected;
import io.deletionwatch.job.cluster.JobOnCluster.Target;
import io.deletionwatch.job.testing.IncidentStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager SIGKILLed mid-stream on a real standalone cluster (heap state backend, checkpoints
 * every second, exponential-delay restarts): the job restores from its latest checkpoint on a
 * replacement TaskManager and Elasticsearch ends up with exactly the findings of a run without
 * the fault, none lost, none twice.
 */
class TaskManagerFailureITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    /** Twelve epochs: ~3 200 records, 132 incidents of every rule. */
    private static final int EPOCHS = 12;
    /** Records a second while the TaskManager dies: a steady feed, like a busy hub. */
    private static final int CHUNK = 50;

    @Test
    void shouldRecoverFromAKilledTaskManagerWithNoFindingLostOrDuplicated(@TempDir Path dir) throws Exception {
        List<String> stream = IncidentStream.records(EPOCHS);
        Expected expected = detect(stream, dir);
        assertThat(expected.byRule()).hasSize(7);
        assertThat(expected.ids()).hasSize(11 * EPOCHS);
        assertThat(expected.deadLetters()).isZero();

        KafkaBroker broker = KAFKA.broker();
        long begin = System.nanoTime();
        try (FlinkCluster flink = JobOnCluster.cluster(broker, "TaskManagerFailureITCase").start()) {
            System.out.printf("[tm-kill] JobManager + 2 TaskManagers (heap state) up in %.1f s%n", seconds(System.nanoTime() - begin));
            FlinkRestClient rest = flink.rest();
            Target target = Target.fresh(KAFKA.newTopic("failover", JobOnCluster.PARTITIONS));
            String job = submit(rest, args(broker, ES.url(), target), null);
            try {
                int half = stream.size() / 2;
                publish(broker, target.topic(), stream, 0, half);
                long before = rest.checkpoints(job).completed();
                Eventually.await("a checkpoint after the first half was published", Duration.ofMinutes(1),
                        () -> rest.checkpoints(job).completed() > before);

                // the rest arrives in chunks while the TaskManager dies and the job recovers
                CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                    try {
                        RatePacer chunks = RatePacer.perSecond(500.0 / CHUNK); // ~500 records/s
                        for (int from = half; from < stream.size(); from += CHUNK) {
                            chunks.acquire();
                            publish(broker, target.topic(), stream, from, Math.min(stream.size(), from + CHUNK));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });

                FlinkCluster.TaskManager victim = flink.taskManagers().get(0);
                long killedAt = System.nanoTime();
                victim.kill();
                FlinkCluster.TaskManager replacement = flink.startTaskManager();
                double replacementUp = seconds(System.nanoTime() - killedAt);
                Eventually.await("the job to restore from a checkpoint with all tasks running", Duration.ofMinutes(3),
                        () -> rest.checkpoints(job).restored() >= 1 && rest.allTasksRunning(job));
                double running = seconds(System.nanoTime() - killedAt);
                Checkpoints restoredState = rest.checkpoints(job);
                long restoredId = restoredState.latestRestored().orElseThrow().id();
                Eventually.await("a checkpoint after the restore", Duration.ofMinutes(2),
                        () -> rest.checkpoints(job).latestCompleted().map(c -> c.id() > restoredId).orElse(false));
                double checkpointed = seconds(System.nanoTime() - killedAt);
                feed.join();

                awaitFindings(broker, ES, target, expected.ids());
                Checkpoints after = rest.checkpoints(job);
                System.out.printf(
                        "[tm-kill] killed %s; replacement %s registered after %.1f s; all tasks running again after %.1f s"
                                + " (restored checkpoint %d); first checkpoint after the restore after %.1f s;"
                                + " %d failures in the exception history; %d checkpoints completed, latest %d ms end to end%n",
                        victim, replacement, replacementUp, running, restoredId, checkpointed,
                        rest.failureCount(job), after.completed(),
                        after.latestCompleted().orElseThrow().endToEndDurationMillis());

                assertThat(victim.isAlive()).isFalse();
                assertThat(after.restored()).isGreaterThanOrEqualTo(1);
                JobOnCluster.assertExactly(ES, target.findings(), expected);
                assertThat(ES.count(target.deadLetters())).as("dead letters: late events or rejected findings").isZero();
                assertThat(rest.jobStatus(job)).isEqualTo("RUNNING");
            } finally {
                cancel(rest, job);
            }
        }
    }
}
