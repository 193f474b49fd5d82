package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import io.deletionwatch.job.rules.Rules;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The production job ({@link StreamingJob}) from a local topic into a findings data stream of its own. */
final class KafkaJob implements AutoCloseable {
    final JobClient client;
    final String group;
    final String findingsDataStream;
    /** The MiniCluster's REST port (checkpoint statistics). */
    final int restPort;
    private final java.nio.file.Path checkpoints;

    private KafkaJob(JobClient client, String group, String findingsDataStream, int restPort, java.nio.file.Path checkpoints) {
        this.client = client;
        this.group = group;
        this.findingsDataStream = findingsDataStream;
        this.restPort = restPort;
        this.checkpoints = checkpoints;
    }

    /**
     * @param name names the consumer group and the findings data stream
     *     ({@code logs-deletion_watch.findings-bench_<name>})
     */
    static KafkaJob start(
            LocalServers servers,
            String topic,
            String name,
            DetectionConfig config,
            int parallelism,
            Duration checkpointInterval,
            ElasticsearchSinkOptions.Builder sink)
            throws Exception {
        java.nio.file.Path checkpoints = java.nio.file.Files.createTempDirectory("deletion-watch-bench-checkpoints");
        Configuration flink = fileCheckpoints(checkpoints);
        int restPort = ElasticsearchNode.freePort();
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.ADDRESS, "127.0.0.1");
        flink.set(RestOptions.BIND_PORT, String.valueOf(restPort));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointInterval.toMillis());
        StreamingJob.bufferTimeoutUnlessConfigured(env); // as `run` does
        String group = "bench-" + name;
        String dataStream = "logs-deletion_watch.findings-bench_" + name;
        StreamingJob.define(
                env,
                servers.kafkaSource(topic, group),
                null,
                sink.hosts(servers.elasticsearch.httpUrl()).dataStream(dataStream).build(),
                Rules.all(config),
                config);
        JobClient client = env.executeAsync("deletion-watch bench: " + name);
        KafkaJob job = new KafkaJob(client, group, dataStream, restPort, checkpoints);
        job.awaitRunning(Duration.ofMinutes(1));
        return job;
    }

    /** Checkpoints in files: the default keeps them in the JobManager's memory, limited to 5 MB. */
    static Configuration fileCheckpoints(java.nio.file.Path dir) {
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        return flink;
    }

    private void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus status = client.getJobStatus().get();
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark job did not start: " + status);
            }
            Thread.sleep(100);
        }
    }

    /** Fails when the job ended on its own (it never should while the benchmark runs). */
    void requireRunning() throws Exception {
        JobStatus status = client.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("the benchmark job ended: " + status);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            client.cancel().get();
        } catch (Exception e) {
            // already gone
        }
        StateStage.deleteTree(checkpoints);
    }
}
