package io.deletionwatch.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.connectors.localstack.FlinkRestClient;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.parsing.ParseFunction;
import io.deletionwatch.job.pipeline.DeletionWatchPipeline;
import io.deletionwatch.job.pipeline.Inputs;
import io.deletionwatch.job.rules.Rules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * State per tracked key: the pipeline runs on a MiniCluster; a savepoint is taken before and after
 * {@code keys} records each give the rules one more subnet, NIC or caller to track (then a few
 * newer records move the watermark past them, so that they are applied, not only buffered). The
 * savepoints' size difference over the keys is the state-backend bytes per key, every operator's
 * state included (de-duplication, attachments, distinct deletions, CEP). The heap difference after
 * a full GC is reported beside it.
 */
final class StateStage {
    private static final int MARKERS = 16;
    private static final Duration LOAD_SPAN = Duration.ofSeconds(60);
    private static final Map<String, AtomicBoolean> GATES = new ConcurrentHashMap<>();
    /** {@link Inputs#parse}'s operator name. */
    private static final String EVENT_TIME_OPERATOR = "Event time and watermarks";

    record Result(long keys, long savepointBytesBefore, long savepointBytesAfter, double bytesPerKey, double heapBytesPerKey) {}

    private StateStage() {}

    static Result run(long keys, DetectionConfig config, int parallelism, Duration timeout) throws Exception {
        String gate = UUID.randomUUID().toString();
        GATES.put(gate, new AtomicBoolean());
        Path savepoints = Files.createTempDirectory("deletion-watch-bench-savepoints");
        Instant base = Instant.parse("2026-03-01T00:00:00Z");
        Instant marker = base.plus(LOAD_SPAN).plus(config.outOfOrderness()).plusSeconds(2);
        Configuration flink = KafkaJob.fileCheckpoints(savepoints);
        // The records-read accumulator reaches the client with the TaskManager's heartbeat (10 s by
        // default), and the watermark metric with the REST metric fetcher (10 s): the stage waits on both.
        flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofMillis(250));
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(100));
        int restPort = ElasticsearchNode.freePort();
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.ADDRESS, "127.0.0.1");
        flink.set(RestOptions.BIND_PORT, String.valueOf(restPort));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        DataGeneratorSource<KafkaRecord> source =
                new DataGeneratorSource<>(
                        new KeyLoad(keys, base, marker),
                        Long.MAX_VALUE,
                        new GatedRate(gate, keys + MARKERS),
                        TypeInformation.of(KafkaRecord.class));
        DataStream<KafkaRecord> raw =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "Key load")
                        .setParallelism(1)
                        .uid("bench-key-load")
                        .name("Key load");
        DeletionWatchPipeline.Outputs outputs =
                DeletionWatchPipeline.build(Inputs.parse(raw, config), Rules.all(config), config);
        outputs.findings().sinkTo(new DiscardingSink<>()).uid("findings-sink").name("Findings (discarded)");
        outputs.deadLetters().sinkTo(new DiscardingSink<>()).uid("dead-letter-sink").name("Dead letters (discarded)");
        JobClient job = env.executeAsync("deletion-watch bench: state");
        try {
            awaitRecords(job, 0, timeout); // running, nothing read yet
            long heapBefore = heapAfterGc();
            long before = savepointBytes(job, savepoints.resolve("before"));
            GATES.get(gate).set(true);
            awaitRecords(job, keys + MARKERS, timeout);
            // A savepoint's barrier leaves the sources after the markers' watermark has left the
            // event-time operator, so every operator behind it fires its timers for the loaded keys
            // (applies them, not only holds them) before its snapshot; the heap is read after it.
            awaitEventTimeWatermark(new FlinkRestClient("http://127.0.0.1:" + restPort), job.getJobID().toHexString(),
                    base.plus(LOAD_SPAN).toEpochMilli(), timeout);
            long after = savepointBytes(job, savepoints.resolve("after"));
            long heapAfter = heapAfterGc();
            return new Result(keys, before, after, (after - before) / (double) keys, (heapAfter - heapBefore) / (double) keys);
        } finally {
            job.cancel().exceptionally(e -> null).get();
            GATES.remove(gate);
            deleteTree(savepoints);
        }
    }

    private static void awaitRecords(JobClient job, long records, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException("the state benchmark job ended: " + job.getJobStatus().get());
            }
            Map<String, Object> accumulators = job.getAccumulators().get();
            Object read = accumulators.get(ParseFunction.RECORDS);
            if (read != null && (Long) read >= records) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("state: " + read + " of " + records + " records in " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /**
     * Waits until every subtask of the event-time operator ({@link Inputs#parse}) has sent a
     * watermark at or past {@code millis} downstream.
     */
    private static void awaitEventTimeWatermark(FlinkRestClient rest, String jobId, long millis, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String vertex = null;
        for (JsonNode v : rest.get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(EVENT_TIME_OPERATOR)) {
                vertex = v.path("id").asText();
            }
        }
        if (vertex == null) {
            throw new IllegalStateException("state: no vertex holds the operator " + EVENT_TIME_OPERATOR);
        }
        String metrics = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
        long lowest = Long.MIN_VALUE;
        String metric = null; // listed once the operator has registered it
        while (true) {
            if (metric == null) {
                metric = watermarkMetric(rest.get(metrics));
            }
            if (metric != null) {
                JsonNode value = rest.get(metrics + "?get=" + metric + "&agg=min").path(0).path("min");
                lowest = value.isMissingNode() ? Long.MIN_VALUE : value.asLong();
                if (lowest >= millis) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("state: the event-time operator's watermark is " + lowest + " after "
                        + timeout.toSeconds() + " s, not yet " + millis + (metric == null ? " (no watermark metric yet)" : ""));
            }
            Thread.sleep(100);
        }
    }

    /** The event-time operator's output-watermark metric among a vertex's metrics, or null. */
    private static String watermarkMetric(JsonNode metrics) {
        for (JsonNode m : metrics) {
            String id = m.path("id").asText();
            if (id.endsWith(".currentOutputWatermark") && id.replace('_', ' ').contains(EVENT_TIME_OPERATOR)) {
                return id;
            }
        }
        return null;
    }

    private static long savepointBytes(JobClient job, Path dir) throws Exception {
        String location = job.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
        Path path = Path.of(java.net.URI.create(location.startsWith("file:") ? location : "file:" + location));
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Index to record: the keys, then markers past the watermark allowance, then other-category records. */
    private static final class KeyLoad implements GeneratorFunction<Long, KafkaRecord> {
        private static final long serialVersionUID = 1L;
        private final long keys;
        private final long baseMillis;
        private final long markerMillis;

        KeyLoad(long keys, Instant base, Instant marker) {
            this.keys = keys;
            this.baseMillis = base.toEpochMilli();
            this.markerMillis = marker.toEpochMilli();
        }

        @Override
        public KafkaRecord map(Long index) {
            byte[] value;
            if (index < keys) {
                long at = baseMillis + index * LOAD_SPAN.toMillis() / keys;
                value = ActivityLogGenerator.keyLoadRecord(index, Instant.ofEpochMilli(at));
            } else {
                value = ActivityLogGenerator.otherCategoryRecord(Instant.ofEpochMilli(markerMillis));
                if (index < keys + MARKERS) {
                    // an ordinary write, newer than everything by the allowance: moves the watermark
                    value = ActivityLogGenerator.ordinaryWrite(index, Instant.ofEpochMilli(markerMillis));
                }
            }
            return new KafkaRecord("bench-state", 0, index, 0, value);
        }
    }

    /** Nothing until the gate opens, then the load at full speed, then a trickle that keeps the job alive. */
    private static final class GatedRate implements RateLimiterStrategy<org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit> {
        private static final long serialVersionUID = 1L;
        private final String gate;
        private final long fullSpeed;

        GatedRate(String gate, long fullSpeed) {
            this.gate = gate;
            this.fullSpeed = fullSpeed;
        }

        @Override
        public RateLimiter<org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private long granted;

                @Override
                public CompletionStage<Void> acquire(int permits) {
                    AtomicBoolean open = GATES.get(gate);
                    if (open != null && open.get() && granted < fullSpeed) {
                        granted += permits;
                        return CompletableFuture.completedFuture(null);
                    }
                    if (open != null && open.get()) {
                        granted += permits;
                        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
                    }
                    // closed: the record waits until the gate opens
                    CompletableFuture<Void> opened = new CompletableFuture<>();
                    Runnable[] check = new Runnable[1];
                    check[0] = () -> {
                        AtomicBoolean now = GATES.get(gate);
                        if (now == null || now.get()) {
                            opened.complete(null);
                        } else {
                            CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(check[0]);
                        }
                    };
                    check[0].run();
                    return opened;
                }
            };
        }
    }

    /**
     * What {@code nsg-definitions} keeps per NSG whose writes were seen, measured with Flink's
     * serializer: a typical NSG (5 rules with a description each, 2 subnets, 2 NICs, 2 tags) and one
     * at the cap. The state backend adds the key (the NSG id, about 150 bytes) and a TTL timestamp.
     */
    record NsgDefinitionBytes(int typical, int atCap, int keyBytes) {}

    static NsgDefinitionBytes nsgDefinitionBytes() {
        String nsg = Resources.id(Resources.NETWORK);
        String group = nsg.substring(0, nsg.indexOf("/providers/"));
        java.util.List<io.deletionwatch.job.findings.NsgSecurityRule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rules.add(new io.deletionwatch.job.findings.NsgSecurityRule(
                    "allow-app-" + i, 100 + 10 * i, "Inbound", "Allow", "Tcp", java.util.List.of("10.20." + i + ".0/24"),
                    java.util.List.of("*"), java.util.List.of("*"), java.util.List.of(String.valueOf(8000 + i)),
                    "application tier " + i, 1L, false));
        }
        java.util.List<String> subnets = java.util.List.of(
                group + "/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/app",
                group + "/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/web");
        java.util.List<String> nics = java.util.List.of(
                group + "/providers/Microsoft.Network/networkInterfaces/vm-app-1-nic",
                group + "/providers/Microsoft.Network/networkInterfaces/vm-app-2-nic");
        var typical = io.deletionwatch.job.rules.nsg.NsgDefinition.of(nsg, java.util.List.of(
                new io.deletionwatch.job.rules.nsg.NsgDefinitionChange(
                        io.deletionwatch.job.rules.nsg.NsgDefinitionChange.Kind.NSG_WRITTEN, nsg.toLowerCase(java.util.Locale.ROOT), nsg, 1L,
                        new UUID(1, 1).toString(), "westeurope", Map.of("owner", "netops", "env", "prod"), rules, subnets, nics)));
        return new NsgDefinitionBytes(
                io.deletionwatch.job.rules.nsg.NsgDefinitionTracker.serializedBytes(typical),
                io.deletionwatch.job.rules.nsg.NsgDefinitionTracker.DEFAULT_CAP_BYTES,
                nsg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 8);
    }
}
