package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The same data read over AMQP: the whole log goes into the wire-level Event Hubs endpoint (two
 * partitions), then the production pipeline reads it with the AMQP source into the real
 * Elasticsearch node. The source is bounded (it ends at the last event the hub held when it
 * started) and timed by {@link BoundedJob}, as the Kafka stage is.
 */
final class AmqpEndToEndStage {
    static final int PARTITIONS = 2;
    private static final String HUB = "bench-amqp";

    private AmqpEndToEndStage() {}

    /** @param cpu the job's JVM also runs the endpoint here */
    static EndToEndStage.Result run(BoundedJob.Cluster cluster, LocalServers servers, GeneratedLog log, DetectionConfig config, int parallelism, Duration timeout,
            CpuSampler cpu)
            throws Exception {
        Path secrets = Files.createTempDirectory("deletion-watch-bench-amqp");
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
            Path secret = Files.writeString(secrets.resolve("eventhubs-connection-string"), endpoint.connectionString());

            StreamingJob.Input input = StreamingJob.Input.amqp(
                    StreamingJob.Input.amqpSource(
                                    EventHubsAmqpOptions.defaults(HUB).withTryTimeout(Duration.ofSeconds(30)),
                                    EventHubsConnectionString.fromFile(secret),
                                    config)
                            .bounded());
            String dataStream = "logs-deletion_watch.findings-bench_amqp";
            ElasticsearchSinkOptions sink =
                    ElasticsearchSinkOptions.builder().hosts(servers.elasticsearch.httpUrl()).dataStream(dataStream).build();
            FindingWatcher.createDataStream(sink, dataStream); // as a deployment's exists after its first finding
            BoundedJob.Timing timing = BoundedJob.runStreamingJob(cluster, "amqp", input, sink, config, parallelism, timeout);
            return EndToEndStage.Result.of(log, timing, FindingWatcher.recallOf(sink, dataStream, log.expected()), cpu);
        } finally {
            StateStage.deleteTree(secrets);
        }
    }
}
