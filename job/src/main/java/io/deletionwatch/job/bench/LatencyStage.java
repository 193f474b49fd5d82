package io.deletionwatch.job.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.ExpectedFinding;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Alert latency at a fixed input rate: a generated log whose times are now is published at its own
 * pace into a topic that stamps records with the broker's append time; each injected incident's
 * latency runs from the append time of the Kafka record holding its completing row to the moment a
 * poll first finds its finding in Elasticsearch.
 */
final class LatencyStage {
    record Result(
            double publishedRecordsPerSecond,
            Percentiles single,
            Percentiles sequence,
            Recall.Result recall,
            Duration pollInterval) {}

    private LatencyStage() {}

    static Result run(
            LocalServers servers,
            ActivityLogGenerator.Settings settings,
            DetectionConfig config,
            int parallelism,
            Duration pollInterval,
            ElasticsearchSinkOptions.Builder sink)
            throws Exception {
        String topic = "bench-latency";
        servers.broker.createTopic(topic, EndToEndStage.PARTITIONS);
        try (Admin admin = Admin.create(servers.broker.plaintextClientProperties())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                            new ConfigEntry("message.timestamp.type", "LogAppendTime"), AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
        try (KafkaJob job = KafkaJob.start(servers, topic, "latency", config, parallelism, Duration.ofSeconds(10), sink)) {
            // the log's times are now; generating takes a moment, which only shifts them a little into the past
            GeneratedLog log = ActivityLogGenerator.generate(settings, Instant.now());
            Map<Integer, List<ExpectedFinding>> triggers = new HashMap<>();
            for (ExpectedFinding e : log.expected()) {
                triggers.computeIfAbsent(e.envelope(), i -> new ArrayList<>()).add(e);
            }
            Recall recall = new Recall(log.expected());
            ElasticsearchClient client = ElasticsearchClients.create(sink.build());
            FindingWatcher.createDataStream(client, job.findingsDataStream);
            try (FindingWatcher watcher = new FindingWatcher(client, job.findingsDataStream, recall, pollInterval)) {
                Map<Integer, Long> appendedAt = new ConcurrentHashMap<>();
                double rate = publish(servers, topic, log, triggers, appendedAt);
                watcher.awaitAll(log.expected().size(), Duration.ofSeconds(60));
                job.requireRunning();
                List<Long> single = new ArrayList<>();
                List<Long> sequence = new ArrayList<>();
                watcher.searchableAt().forEach((finding, seen) -> {
                    Long appended = appendedAt.get(finding.envelope());
                    if (appended != null) {
                        (finding.singleEvent() ? single : sequence).add(seen - appended);
                    }
                });
                return new Result(rate, Percentiles.of(single), Percentiles.of(sequence), watcher.recall(), pollInterval);
            } finally {
                ElasticsearchClients.close(client);
            }
        }
    }

    /** Sends each envelope when its time comes; returns the records per second achieved. */
    private static double publish(
            LocalServers servers,
            String topic,
            GeneratedLog log,
            Map<Integer, List<ExpectedFinding>> triggers,
            Map<Integer, Long> appendedAt)
            throws Exception {
        Map<String, Object> props = new HashMap<>(servers.broker.plaintextClientProperties());
        props.put("acks", "all");
        props.put("linger.ms", "0");
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Envelope> envelopes = log.envelopes();
        long firstOffset = envelopes.get(0).offsetMillis();
        long start = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < envelopes.size(); i++) {
                Envelope envelope = envelopes.get(i);
                long due = start + envelope.offsetMillis() - firstOffset;
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait); // pacing: the input rate is what this stage fixes
                }
                int index = i;
                boolean trigger = triggers.containsKey(i);
                producer.send(
                        new ProducerRecord<>(topic, i % EndToEndStage.PARTITIONS, null, envelope.value()),
                        (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            } else if (trigger) {
                                appendedAt.put(index, metadata.timestamp());
                            }
                        });
                if (failure.get() != null) {
                    throw failure.get();
                }
            }
            producer.flush();
        }
        return log.records() / ((System.currentTimeMillis() - start) / 1000.0);
    }
}
