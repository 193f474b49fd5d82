package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.pipeline.StreamingJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * From the real Kafka broker to the real Elasticsearch node: the whole log is published first
 * (envelope i to partition i mod 2), then the production job reads it from the earliest offsets,
 * bounded at the latest ones, and is timed from its first record parsed ({@link FirstRecordClock}) to
 * its last task finished ({@link BoundedJob}). The findings data stream exists
 * before the job starts, as a deployment's does after its first finding: creating it (template,
 * backing index, shard start) is a one-time cost that no running deployment pays.
 */
final class EndToEndStage {
    static final int PARTITIONS = 2;

    /**
     * What one end-to-end run measured (the AMQP stage's too).
     *
     * @param cores what the job's JVM, the broker and the node kept busy while the job ran
     */
    record Result(double recordsPerSecond, Recall.Result recall, CpuSampler.Cores cores) {
        /** From the first task running to the last one finished. */
        static Result of(GeneratedLog log, BoundedJob.Timing timing, Recall.Result recall, CpuSampler cpu) {
            return of(log, timing.firstRunningMillis(), timing, recall, cpu);
        }

        /** From {@code startMillis} to the last task finished. */
        static Result of(GeneratedLog log, long startMillis, BoundedJob.Timing timing, Recall.Result recall, CpuSampler cpu) {
            return new Result(log.records() / timing.secondsFrom(startMillis), recall,
                    cpu.between(startMillis, timing.lastFinishedMillis()));
        }
    }

    private EndToEndStage() {}

    /**
     * The run of median rate, with the worst recall of them all: one run lasts ~5 s, and runs
     * on one warm cluster still differ by a fifth (BENCHMARKS.md).
     */
    static Result median(List<Result> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        List<Result> byRate = new ArrayList<>(runs);
        byRate.sort(java.util.Comparator.comparingDouble(Result::recordsPerSecond));
        Result middle = byRate.get((byRate.size() - 1) / 2);
        return new Result(middle.recordsPerSecond(), Recall.Result.worst(runs.stream().map(Result::recall).toList()),
                middle.cores());
    }

    /** Publishes the log to a topic of its own. @return records per second of the publishing */
    static double publish(LocalServers servers, GeneratedLog log, String topic) throws Exception {
        servers.broker.createTopic(topic, PARTITIONS);
        List<Envelope> envelopes = log.envelopes();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(envelopes.size());
        for (int i = 0; i < envelopes.size(); i++) {
            records.add(new ProducerRecord<>(topic, i % PARTITIONS, null, envelopes.get(i).value()));
        }
        long start = System.nanoTime();
        try (TopicPublisher publisher = new TopicPublisher(servers.broker.plaintextClientProperties())) {
            publisher.publish(records);
        }
        return log.records() / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Reads a topic that {@link #publish} filled, at this parallelism.
     *
     * @param name names the consumer group and the findings data stream
     */
    static Result run(BoundedJob.Cluster cluster, LocalServers servers, GeneratedLog log, String topic, String name,
            DetectionConfig config, int parallelism, Duration timeout, CpuSampler cpu) throws Exception {
        String dataStream = "logs-deletion_watch.findings-bench_" + name;
        StreamingJob.Input input = StreamingJob.Input.kafka(
                StreamingJob.Input.kafkaSource(
                                servers.kafkaSource(topic, "bench-" + name),
                                null,
                                config)
                        .setDeserializer(FirstRecordClock.around(name, StreamingJob.Input.kafkaParser(config)))
                        .setBounded(OffsetsInitializer.latest())
                        .build());
        ElasticsearchSinkOptions sink =
                ElasticsearchSinkOptions.builder().hosts(servers.elasticsearch.httpUrl()).dataStream(dataStream).build();
        FindingWatcher.createDataStream(sink, dataStream); // as a deployment's exists after its first finding
        BoundedJob.Timing timing;
        long firstRecord;
        try {
            timing = BoundedJob.runStreamingJob(cluster, name, input, sink, config, parallelism, timeout);
            firstRecord = FirstRecordClock.firstRecordMillis(name);
        } finally {
            FirstRecordClock.forget(name);
        }
        return Result.of(log, firstRecord, timing, FindingWatcher.recallOf(sink, dataStream, log.expected()), cpu);
    }
}
