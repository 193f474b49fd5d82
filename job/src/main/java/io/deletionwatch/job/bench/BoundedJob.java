package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import io.deletionwatch.job.rules.Rules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs bounded jobs on a MiniCluster in this JVM and times each by the job's own task
 * timestamps: from the first task running (deployment and state set-up are not counted) to the
 * last task finished, when the source has read everything and the sinks have written it. Nothing
 * polls, and no checkpoint is needed to see progress by, so checkpoints stay at their production
 * interval.
 */
final class BoundedJob {
    /** {@code run}'s default checkpoint interval. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private BoundedJob() {}

    /** When the job's first task started running and its last task finished, in epoch ms. */
    record Timing(long firstRunningMillis, long lastFinishedMillis) {
        /** From the first task running to the last task finished. */
        double seconds() {
            return secondsFrom(firstRunningMillis);
        }

        /** From {@code startMillis} (this JVM's clock, as the task timestamps are) to the last task finished. */
        double secondsFrom(long startMillis) {
            if (startMillis <= 0 || startMillis > lastFinishedMillis) {
                throw new IllegalStateException("the job has no start at or before its end");
            }
            return (lastFinishedMillis - startMillis) / 1000.0;
        }
    }

    /**
     * The production job ({@link StreamingJob#define}) over a bounded input, with {@code run}'s
     * checkpoint interval and buffer timeout, on {@code cluster}.
     *
     * @return when the first task started running and the last one finished
     */
    static Timing runStreamingJob(
            Cluster cluster,
            String name,
            StreamingJob.Input input,
            ElasticsearchSinkOptions sink,
            DetectionConfig config,
            int parallelism,
            Duration timeout)
            throws Exception {
        StreamExecutionEnvironment env = cluster.environment(parallelism);
        StreamingJob.bufferTimeoutUnlessConfigured(env); // as `run` does
        StreamingJob.define(env, input, sink, Rules.all(config), config);
        return cluster.execute(env, "deletion-watch bench: " + name, timeout);
    }

    /**
     * A MiniCluster that runs one bounded job after another, as a long-lived TaskManager does:
     * each new cluster's start-up (actor system, configuration, RPC) keeps the JIT compiler busy
     * for seconds after its job has begun (BENCHMARKS.md), which no running job pays.
     */
    static final class Cluster implements AutoCloseable {
        private final MiniCluster cluster;
        private final int slots;
        private final Path checkpoints;

        private Cluster(MiniCluster cluster, int slots, Path checkpoints) {
            this.cluster = cluster;
            this.slots = slots;
            this.checkpoints = checkpoints;
        }

        /**
         * An environment for a job on this cluster, with {@code run}'s checkpoint interval and its
         * checkpoints in files of the cluster's own (deleted when it closes).
         */
        StreamExecutionEnvironment environment(int parallelism) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    KafkaJob.fileCheckpoints(checkpoints));
            env.setParallelism(parallelism);
            env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
            return env;
        }

        /** One TaskManager with {@code slots} slots, its REST endpoint on a free local port. */
        static Cluster start(Configuration flink, int slots) throws Exception {
            Path checkpoints = Files.createTempDirectory("deletion-watch-bench-checkpoints");
            flink = new Configuration(flink);
            flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            flink.set(RestOptions.ADDRESS, "127.0.0.1");
            flink.set(RestOptions.BIND_PORT, "0");
            MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(flink)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(slots)
                    .build());
            try {
                cluster.start();
            } catch (Exception e) {
                cluster.close();
                StateStage.deleteTree(checkpoints);
                throw e;
            }
            return new Cluster(cluster, slots, checkpoints);
        }

        /**
         * Runs the job defined in {@code env} to its end.
         *
         * @return when the first task started running and the last one finished
         * @throws Exception the job's failure, or a timeout
         */
        Timing execute(StreamExecutionEnvironment env, String name, Duration timeout) throws Exception {
            if (env.getParallelism() > slots) {
                throw new IllegalArgumentException(
                        "a job of parallelism " + env.getParallelism() + " on a cluster of " + slots + " slots");
            }
            org.apache.flink.streaming.api.graph.StreamGraph graph = env.getStreamGraph();
            graph.setJobName(name);
            JobID id = cluster.submitJob(graph).get().getJobID();
            JobResult result = cluster.requestJobResult(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!result.isSuccess()) {
                throw new IllegalStateException(
                        "the benchmark job " + name + " failed", result.getSerializedThrowable().orElse(null));
            }
            return timing(cluster.getArchivedExecutionGraph(id).get());
        }

        @Override
        public void close() throws Exception {
            try {
                cluster.close();
            } finally {
                StateStage.deleteTree(checkpoints);
            }
        }
    }

    static Timing timing(AccessExecutionGraph graph) {
        long firstRunning = Long.MAX_VALUE;
        long lastFinished = 0;
        for (AccessExecutionVertex task : graph.getAllExecutionVertices()) {
            long running = task.getStateTimestamp(ExecutionState.RUNNING);
            if (running > 0) {
                firstRunning = Math.min(firstRunning, running);
            }
            lastFinished = Math.max(lastFinished, task.getStateTimestamp(ExecutionState.FINISHED));
        }
        if (firstRunning == Long.MAX_VALUE || lastFinished < firstRunning) {
            throw new IllegalStateException("the job's tasks have no running and finished times");
        }
        return new Timing(firstRunning, lastFinished);
    }
}
