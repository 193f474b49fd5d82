package io.deletionwatch.job.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsAmqpSource;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.parsing.ActivityLogAmqpDeserializer;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParsedRecord;
import io.deletionwatch.job.pipeline.StreamingJob;
import io.deletionwatch.job.rules.Rules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The same data read over AMQP: the whole log goes into the wire-level Event Hubs endpoint (two
 * partitions), then the production pipeline reads it with the AMQP source into the real
 * Elasticsearch node. The source is bounded (it ends at the last event the hub held when it
 * started), so the job's run from RUNNING to FINISHED is the time to read, detect and write
 * everything; the checkpoint interval is {@code run}'s default, not a measuring device.
 */
final class AmqpEndToEndStage {
    static final int PARTITIONS = 2;
    private static final String HUB = "bench-amqp";

    record Result(double recordsPerSecond, Recall.Result recall) {}

    private AmqpEndToEndStage() {}

    static Result run(LocalServers servers, GeneratedLog log, DetectionConfig config, int parallelism, Duration timeout)
            throws Exception {
        Path checkpoints = Files.createTempDirectory("deletion-watch-bench-amqp");
        try (EventHubsEndpoint endpoint = EventHubsEndpoint.builder().eventHub(HUB, PARTITIONS).start()) {
            List<List<byte[]>> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new ArrayList<>());
            }
            List<Envelope> envelopes = log.envelopes();
            for (int i = 0; i < envelopes.size(); i++) {
                partitions.get(i % PARTITIONS).add(envelopes.get(i).value());
            }
            for (int p = 0; p < PARTITIONS; p++) {
                endpoint.publish(HUB, String.valueOf(p), partitions.get(p));
            }
            Path secret = Files.writeString(checkpoints.resolve("eventhubs-connection-string"), endpoint.connectionString());

            Configuration flink = KafkaJob.fileCheckpoints(checkpoints.resolve("checkpoints"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            env.setParallelism(parallelism);
            env.enableCheckpointing(Duration.ofSeconds(30).toMillis()); // as `run`
            StreamingJob.bufferTimeoutUnlessConfigured(env);
            EventHubsAmqpSource<ParsedRecord> source =
                    EventHubsAmqpSource.create(
                                    EventHubsAmqpOptions.defaults(HUB).withTryTimeout(Duration.ofSeconds(30)),
                                    EventHubsConnectionString.fromFile(secret),
                                    new ActivityLogAmqpDeserializer(new ActivityLogParser(config.maxRecordBytes())))
                            .bounded();
            String dataStream = "logs-deletion_watch.findings-bench_amqp";
            ElasticsearchSinkOptions.Builder sink = ElasticsearchSinkOptions.builder();
            StreamingJob.define(
                    env,
                    new StreamingJob.Input(source, "eventhubs-amqp-source"),
                    sink.hosts(servers.elasticsearch.httpUrl()).dataStream(dataStream).build(),
                    Rules.all(config),
                    config);
            JobClient job = env.executeAsync("deletion-watch bench: e2e over AMQP");
            boolean finished = false;
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (job.getJobStatus().get() != JobStatus.RUNNING) {
                    if (job.getJobStatus().get().isGloballyTerminalState() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("the AMQP benchmark job did not start: " + job.getJobStatus().get());
                    }
                    Thread.sleep(20);
                }
                long started = System.nanoTime();
                job.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                double seconds = (System.nanoTime() - started) / 1e9;
                finished = true; // the job's own MiniCluster is gone with it
                Recall recall = new Recall(log.expected());
                ElasticsearchClient client = ElasticsearchClients.create(sink.build());
                try (FindingWatcher watcher = new FindingWatcher(client, dataStream, recall, Duration.ofMillis(250))) {
                    watcher.awaitAll(log.expected().size(), Duration.ofSeconds(60));
                    watcher.poll(); // one more look for duplicates and strays
                    return new Result(log.records() / seconds, watcher.recall());
                } finally {
                    ElasticsearchClients.close(client);
                }
            } finally {
                if (!finished) {
                    job.cancel().get();
                }
            }
        } finally {
            StateStage.deleteTree(checkpoints);
        }
    }
}
