package io.deletionwatch.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.source.ConsumerLag;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A steady input rate through the local stack for a long while: every ~10 s it samples the last
 * checkpoint's duration and size (the MiniCluster's REST API), the heap (used, and old generation
 * after the last collection) and the consumer group's lag. Flat means the last third's average is
 * within a tolerance of the first third's.
 */
final class SoakStage {
    private static final Duration CHUNK = Duration.ofSeconds(30);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    record Sample(double seconds, long checkpoints, long checkpointMillis, long checkpointBytes, long heapUsed, long oldGenAfterGc, long lag, double rate) {}

    record Result(List<Sample> samples, boolean checkpointsFlat, boolean heapFlat, boolean lagFlat, double recordsPerSecond) {
        boolean flat() {
            return checkpointsFlat && heapFlat && lagFlat;
        }
    }

    private SoakStage() {}

    static Result run(LocalServers servers, long seed, int rate, Duration duration, DetectionConfig config, int parallelism,
            Duration sampleEvery, PrintWriter progress) throws Exception {
        String topic = "bench-soak";
        servers.broker.createTopic(topic, EndToEndStage.PARTITIONS);
        List<Sample> samples = new ArrayList<>();
        try (KafkaJob job = KafkaJob.start(servers, topic, "soak", config, parallelism, CHECKPOINT_INTERVAL,
                        ElasticsearchSinkOptions.builder());
                Admin admin = Admin.create(servers.broker.plaintextClientProperties())) {
            int chunkRecords = (int) (rate * CHUNK.toSeconds());
            int chunks = (int) Math.max(1, duration.toSeconds() / CHUNK.toSeconds());
            long start = System.currentTimeMillis();
            CompletableFuture<GeneratedLog> next = generate(seed, chunkRecords, rate, Instant.ofEpochMilli(start));
            Map<String, Object> props = new HashMap<>(servers.broker.plaintextClientProperties());
            props.put("linger.ms", "5");
            props.put("key.serializer", ByteArraySerializer.class.getName());
            props.put("value.serializer", ByteArraySerializer.class.getName());
            long published = 0;
            long nextSample = start + sampleEvery.toMillis();
            HttpClient http = HttpClient.newHttpClient();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                for (int c = 0; c < chunks; c++) {
                    GeneratedLog log = next.get();
                    long chunkStart = start + c * CHUNK.toMillis();
                    if (c + 1 < chunks) {
                        next = generate(seed + c + 1, chunkRecords, rate, Instant.ofEpochMilli(chunkStart + CHUNK.toMillis()));
                    }
                    List<Envelope> envelopes = log.envelopes();
                    long first = envelopes.get(0).offsetMillis();
                    for (int i = 0; i < envelopes.size(); i++) {
                        long due = chunkStart + Math.min(envelopes.get(i).offsetMillis() - first, CHUNK.toMillis() - 1);
                        long now = System.currentTimeMillis();
                        if (now >= nextSample) {
                            job.requireRunning();
                            samples.add(sample(http, job, admin, topic, (now - start) / 1000.0, published / ((now - start) / 1000.0)));
                            progress.println("  soak " + describe(samples.get(samples.size() - 1)));
                            progress.flush();
                            nextSample += sampleEvery.toMillis();
                        }
                        if (due > now) {
                            Thread.sleep(due - now); // pacing
                        }
                        producer.send(new ProducerRecord<>(topic, i % EndToEndStage.PARTITIONS, null, envelopes.get(i).value()));
                        published += envelopes.get(i).records();
                    }
                }
                producer.flush();
            }
            double achieved = published / ((System.currentTimeMillis() - start) / 1000.0);
            return verdict(samples, rate, achieved);
        }
    }

    private static CompletableFuture<GeneratedLog> generate(long seed, int records, int rate, Instant base) {
        // one chunk ahead, off the publishing thread; few incidents, only to keep the rules busy
        return CompletableFuture.supplyAsync(
                () -> ActivityLogGenerator.generate(ActivityLogGenerator.Settings.of(seed, records, rate, 1), base));
    }

    private static Sample sample(HttpClient http, KafkaJob job, Admin admin, String topic, double seconds, double rate) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.restPort + "/jobs/" + job.client.getJobID() + "/checkpoints")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode stats = new ObjectMapper().readTree(response.body());
        JsonNode latest = stats.at("/latest/completed");
        long oldGen = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().contains("Old Gen") && pool.getCollectionUsage() != null) {
                oldGen = pool.getCollectionUsage().getUsed();
            }
        }
        return new Sample(
                seconds,
                stats.at("/counts/completed").asLong(),
                latest.path("end_to_end_duration").asLong(-1),
                latest.path("state_size").asLong(-1),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                oldGen,
                ConsumerLag.of(admin, job.group, topic),
                rate);
    }

    static String describe(Sample s) {
        return String.format("%6.0fs  checkpoints %4d  last %5d ms %7.1f MB  heap %6.0f MB (old gen after GC %6.0f MB)  lag %6d  %7.0f rec/s",
                s.seconds(), s.checkpoints(), s.checkpointMillis(), s.checkpointBytes() / 1e6, s.heapUsed() / 1e6,
                s.oldGenAfterGc() / 1e6, s.lag(), s.rate());
    }

    /**
     * Flat: the last third's mean is at most the first third's plus a tolerance, here 50 % plus
     * 250 ms for checkpoint durations, plus 64 MB for the heap after collections, plus one
     * checkpoint interval of input for the lag (offsets are committed only on checkpoints).
     */
    static Result verdict(List<Sample> samples, int rate, double achieved) {
        int third = Math.max(1, samples.size() / 3);
        List<Sample> first = samples.subList(0, Math.min(third, samples.size()));
        List<Sample> last = samples.subList(Math.max(0, samples.size() - third), samples.size());
        boolean checkpoints = mean(last, Sample::checkpointMillis) <= 1.5 * mean(first, Sample::checkpointMillis) + 250;
        boolean heap = mean(last, Sample::oldGenAfterGc) <= 1.5 * mean(first, Sample::oldGenAfterGc) + 64e6;
        boolean lag = mean(last, Sample::lag) <= 1.5 * mean(first, Sample::lag) + rate * CHECKPOINT_INTERVAL.toSeconds();
        return new Result(samples, checkpoints, heap, lag, achieved);
    }

    private static double mean(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
        return samples.stream().mapToLong(value).average().orElse(0);
    }
}
