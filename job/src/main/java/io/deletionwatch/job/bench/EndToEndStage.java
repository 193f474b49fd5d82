package io.deletionwatch.job.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.localstack.TopicPublisher;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * From the real Kafka broker to the real Elasticsearch node: the whole log is published first, then
 * the production job reads it from the earliest offset. Throughput is measured between the first
 * and the last checkpoint that committed offsets (offsets are committed once the sink flushed), so
 * that job start-up is not counted.
 */
final class EndToEndStage {
    static final int PARTITIONS = 2;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    record Result(double recordsPerSecond, double publishRecordsPerSecond, Recall.Result recall) {}

    private EndToEndStage() {}

    static Result run(LocalServers servers, GeneratedLog log, DetectionConfig config, int parallelism, Duration timeout)
            throws Exception {
        String topic = "bench-e2e";
        servers.broker.createTopic(topic, PARTITIONS);
        List<Envelope> envelopes = log.envelopes();
        // envelope i goes to partition i % 2; committed offsets then tell how many records are done
        long[][] recordsBefore = new long[PARTITIONS][];
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(envelopes.size());
        for (int p = 0; p < PARTITIONS; p++) {
            recordsBefore[p] = new long[(envelopes.size() + PARTITIONS - 1 - p) / PARTITIONS + 1];
        }
        for (int i = 0; i < envelopes.size(); i++) {
            int p = i % PARTITIONS;
            int offset = i / PARTITIONS;
            recordsBefore[p][offset + 1] = recordsBefore[p][offset] + envelopes.get(i).records();
            records.add(new ProducerRecord<>(topic, p, null, envelopes.get(i).value()));
        }
        long publishStart = System.nanoTime();
        try (TopicPublisher publisher = new TopicPublisher(servers.broker.plaintextClientProperties())) {
            publisher.publish(records);
        }
        double publishRate = log.records() / ((System.nanoTime() - publishStart) / 1e9);
        records.clear();

        Recall recall = new Recall(log.expected());
        ElasticsearchSinkOptions.Builder sink = ElasticsearchSinkOptions.builder();
        try (KafkaJob job = KafkaJob.start(servers, topic, "e2e", config, parallelism, CHECKPOINT_INTERVAL, sink);
                Admin admin = Admin.create(servers.broker.plaintextClientProperties())) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long firstNanos = 0;
            long firstRecords = 0;
            long lastNanos;
            while (true) {
                long done = committedRecords(admin, job.group, topic, recordsBefore);
                long now = System.nanoTime();
                // Start at the first checkpoint that committed EVERY partition: partitions' commits
                // of one checkpoint can show in two polls 50 ms apart, which would inflate the rate.
                if (done > 0 && firstNanos == 0 && committedPartitions(admin, job.group, topic) == PARTITIONS) {
                    firstNanos = now;
                    firstRecords = done;
                }
                if (done >= log.records()) {
                    lastNanos = now;
                    break;
                }
                if (now > deadline) {
                    throw new IllegalStateException("end to end: " + done + " of " + log.records() + " records in " + timeout.toSeconds() + " s");
                }
                job.requireRunning();
                Thread.sleep(50);
            }
            double rate = lastNanos > firstNanos
                    ? (log.records() - firstRecords) / ((lastNanos - firstNanos) / 1e9)
                    : Double.NaN;
            ElasticsearchClient client = ElasticsearchClients.create(sink.build());
            try (FindingWatcher watcher = new FindingWatcher(client, job.findingsDataStream, recall, Duration.ofMillis(250))) {
                watcher.awaitAll(log.expected().size(), Duration.ofSeconds(60));
                watcher.poll(); // one more look for duplicates and strays
                return new Result(rate, publishRate, watcher.recall());
            } finally {
                ElasticsearchClients.close(client);
            }
        }
    }

    private static int committedPartitions(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        int n = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            if (committed.get(new TopicPartition(topic, p)) != null) {
                n++;
            }
        }
        return n;
    }

    private static long committedRecords(Admin admin, String group, String topic, long[][] recordsBefore) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long done = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            OffsetAndMetadata offset = committed.get(new TopicPartition(topic, p));
            if (offset != null) {
                done += recordsBefore[p][(int) Math.min(offset.offset(), recordsBefore[p].length - 1)];
            }
        }
        return done;
    }
}
