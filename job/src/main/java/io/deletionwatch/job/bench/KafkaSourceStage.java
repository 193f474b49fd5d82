package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.source.EventHubsSource;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The Kafka source alone: the production consumer ({@link EventHubsSource}'s properties, the
 * same broker and topic as {@link EndToEndStage}) into a discarding sink, with no parsing, no rule
 * and no Elasticsearch write. What fetching costs on this machine, the broker's CPU included, is
 * the part of the end-to-end cost that no code of this project runs ({@link BenchReport#endToEndBound}).
 */
final class KafkaSourceStage {
    /**
     * @param recordsPerSecond Activity Log records (not envelopes) per second, as the other stages count
     * @param runs every run's rate; the result is the fastest, the least the source can cost
     * @param cores what the job's JVM, the broker and the node kept busy during the fastest run
     */
    record Result(double recordsPerSecond, List<Long> runs, CpuSampler.Cores cores) {}

    private KafkaSourceStage() {}

    static Result run(BoundedJob.Cluster cluster, LocalServers servers, GeneratedLog log, String topic, int parallelism, int runs, Duration timeout,
            CpuSampler cpu) throws Exception {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1: " + runs);
        }
        List<Long> rates = new ArrayList<>();
        double best = 0;
        CpuSampler.Cores bestCores = null;
        for (int run = 0; run < runs; run++) {
            BoundedJob.Timing timing = runOnce(cluster, servers, topic, "bench-kafka-source-" + run, parallelism, timeout);
            double rate = log.records() / timing.seconds();
            rates.add(Math.round(rate));
            if (rate > best) {
                best = rate;
                bestCores = cpu.between(timing.firstRunningMillis(), timing.lastFinishedMillis());
            }
        }
        return new Result(best, rates, bestCores);
    }

    private static BoundedJob.Timing runOnce(BoundedJob.Cluster cluster, LocalServers servers, String topic, String group,
            int parallelism, Duration timeout) throws Exception {
        KafkaSource<KafkaRecord> source = EventHubsSource.builder(
                        servers.kafkaSource(topic, group),
                        null)
                .setBounded(OffsetsInitializer.latest())
                .build();
        StreamExecutionEnvironment env = cluster.environment(parallelism);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka source alone")
                .uid("bench-kafka-source")
                .name("Kafka source alone")
                .sinkTo(new DiscardingSink<>())
                .uid("bench-kafka-source-discarded")
                .name("Records (discarded)");
        return cluster.execute(env, "deletion-watch bench: Kafka source alone", timeout);
    }
}
