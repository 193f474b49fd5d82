package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.bench.ActivityLogGenerator.Envelope;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import java.io.IOException;
import org.apache.flink.configuration.Configuration;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs every stage on the same generated data and writes the report, the JSON and the chart. */
public final class Benchmark {
    /**
     * How big a run is.
     *
     * @param records Activity Log records for the parse, pipeline and end-to-end stages
     * @param incidentsPerRule injected incidents per rule in that data
     * @param latencyDuration how long the latency stage publishes at {@code rate}
     * @param latencyIncidentsPerRule injected incidents per rule in the latency stage
     * @param stateKeys keys loaded into the rules' state
     * @param parseTime how long each parse-ceiling measurement runs
     * @param pipelineRuns measured runs of the pipeline stage after its warm-up, and of the end-to-end
     *     stage at parallelism 2; each reports their median
     * @param kafkaSourceRuns runs of the Kafka source alone; it reports the fastest
     * @param warmUpBudget the longest the parse ceiling and the pipeline each warm up for before
     *     they are measured, waiting for the JIT compiler to settle ({@link JitWarmUp})
     * @param endToEndWarmUpBudget the same for the end-to-end runs, which compile the Kafka
     *     client's, the sink's and Flink's network code besides (still 21 % of a run's CPU after 60 s)
     */
    public record Settings(
            String mode,
            long seed,
            int records,
            int incidentsPerRule,
            int rate,
            Duration latencyDuration,
            int latencyIncidentsPerRule,
            long stateKeys,
            Duration parseTime,
            int pipelineRuns,
            int kafkaSourceRuns,
            Duration warmUpBudget,
            Duration endToEndWarmUpBudget,
            Duration outOfOrderness,
            int parallelism,
            Duration pollInterval) {

        public static Settings quick(long seed, int rate, Duration outOfOrderness) {
            return new Settings("quick", seed, 60_000, 2, rate, Duration.ofSeconds(15), 2, 30_000,
                    Duration.ofSeconds(2), 1, 1, Duration.ofSeconds(8), Duration.ofSeconds(8), outOfOrderness, 2, Duration.ofMillis(50));
        }

        public static Settings full(long seed, int rate, Duration outOfOrderness) {
            return new Settings("full", seed, 600_000, 5, rate, Duration.ofSeconds(90), 10, 1_000_000,
                    Duration.ofSeconds(10), 3, 3, Duration.ofSeconds(60), Duration.ofSeconds(150), outOfOrderness, 2, Duration.ofMillis(50));
        }

        DetectionConfig config() {
            return new DetectionConfig(outOfOrderness, DetectionConfig.DEFAULT_IDLENESS,
                    DetectionConfig.DEFAULT_DEDUP_TTL, DetectionConfig.DEFAULT_MAX_RECORD_BYTES);
        }
    }

    private Benchmark() {}

    public static BenchReport run(Settings s, Path outputDir, PrintWriter out) throws Exception {
        long started = System.nanoTime();
        DetectionConfig config = s.config();
        step(out, started, "generating %,d records (seed %d)", s.records(), s.seed());
        GeneratedLog log = ActivityLogGenerator.generate(
                ActivityLogGenerator.Settings.of(s.seed(), s.records(), s.rate(), s.incidentsPerRule()),
                Instant.parse("2026-03-01T00:00:00Z"));
        List<KafkaRecord> envelopes = kafkaRecords(log);

        step(out, started, "parse ceiling, 1 thread");
        ParseCeiling.Result parse1 = ParseCeiling.measure(envelopes, 1, s.parseTime(), s.warmUpBudget());
        step(out, started, "  %,.0f records/s after %s", parse1.recordsPerSecond(), parse1.warmUp());

        step(out, started, "pipeline on a MiniCluster; the 2-thread parse ceiling before and after each measured run");
        // measured around each run of the pipeline and of the end-to-end job: the machine's speed
        // swings by up to 40 % from one minute to the next (BENCHMARKS.md)
        PipelineStage.Reference ceiling2 = () -> {
            ParseCeiling.Result ceiling = ParseCeiling.measure(envelopes, 2, s.parseTime(), s.warmUpBudget());
            step(out, started, "  2-thread ceiling: %,.0f records/s after %s", ceiling.recordsPerSecond(), ceiling.warmUp());
            return ceiling.recordsPerSecond();
        };
        PipelineStage.Result pipeline;
        try (CpuSampler jvm = CpuSampler.startThisJvm()) {
            pipeline = PipelineStage.run(log, envelopes, config, s.parallelism(), s.pipelineRuns(), s.warmUpBudget(),
                    ceiling2, jvm);
        }
        // the end-to-end stages are compared with the ceiling as it was around the pipeline stage
        double parse2 = pipeline.references().stream().mapToLong(Long::longValue).average().orElseThrow();
        step(out, started, "  %,.0f records/s (median of %s) after %s; %.2f of the ceiling either side (median); %.1f us of CPU per record; recall %s",
                pipeline.recordsPerSecond(), pipeline.runs(), pipeline.warmUp(), pipeline.ratio(),
                pipeline.cpuSecondsPerRecord() * 1e6, pipeline.recall());

        EndToEndStage.Result e2e;
        EndToEndStage.Result e2eP1;
        EndToEndStage.Result amqp;
        KafkaSourceStage.Result kafkaSource;
        JitWarmUp.Result e2eWarmUp;
        double e2eCeiling;
        double e2eRatio;
        LatencyStage.Result latency;
        step(out, started, "starting a Kafka broker and an Elasticsearch node");
        try (LocalServers servers = LocalServers.start();
                CpuSampler cpu = CpuSampler.start(servers);
                BoundedJob.Cluster cluster = BoundedJob.Cluster.start(new Configuration(), s.parallelism())) {
            step(out, started, "end to end: publishing to a %d-partition topic", EndToEndStage.PARTITIONS);
            double published = EndToEndStage.publish(servers, log, "bench-e2e");
            // As the pipeline stage does: runs on one cluster until the JIT has compiled the Kafka
            // client's, the sink's and Flink's network code too.
            step(out, started, "end to end: warm-up runs until the JIT settles");
            int[] warmUps = {0};
            e2eWarmUp = JitWarmUp.ofThisJvm().until(() -> EndToEndStage.run(cluster, servers, log, "bench-e2e",
                    "e2e_warmup_" + warmUps[0]++, config, s.parallelism(), Duration.ofMinutes(10), cpu), 1, s.endToEndWarmUpBudget());
            step(out, started, "  %s", e2eWarmUp);
            step(out, started, "Kafka source alone: the production consumer into a discarding sink, parallelism %d", s.parallelism());
            kafkaSource = KafkaSourceStage.run(cluster, servers, log, "bench-e2e", s.parallelism(), s.kafkaSourceRuns(),
                    Duration.ofMinutes(10), cpu);
            step(out, started, "  %,.0f records/s (fastest of %s); %s", kafkaSource.recordsPerSecond(), kafkaSource.runs(),
                    kafkaSource.cores());
            step(out, started, "end to end: Kafka -> job -> Elasticsearch, parallelism %d", s.parallelism());
            List<EndToEndStage.Result> e2eRuns = new ArrayList<>();
            List<Double> e2eCeilings = new ArrayList<>(List.of(ceiling2.recordsPerSecond()));
            for (int run = 0; run < s.pipelineRuns(); run++) {
                EndToEndStage.Result one = EndToEndStage.run(cluster, servers, log, "bench-e2e", "e2e_" + run, config,
                        s.parallelism(), Duration.ofMinutes(10), cpu);
                step(out, started, "  %,.0f records/s; %s", one.recordsPerSecond(), one.cores());
                e2eRuns.add(one);
                e2eCeilings.add(ceiling2.recordsPerSecond());
            }
            e2e = EndToEndStage.median(e2eRuns);
            e2eCeiling = e2eCeilings.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            e2eRatio = PipelineStage.pairedRatio(e2eRuns.stream().mapToDouble(EndToEndStage.Result::recordsPerSecond).toArray(),
                    e2eCeilings.stream().mapToDouble(Double::doubleValue).toArray());
            step(out, started, "  %,.0f records/s (the median run; published at %,.0f records/s); %.2f of the ceiling either side (median); recall %s",
                    e2e.recordsPerSecond(), published, e2eRatio, e2e.recall());
            step(out, started, "end to end: Kafka -> job -> Elasticsearch, parallelism 1");
            e2eP1 = EndToEndStage.run(cluster, servers, log, "bench-e2e", "e2e_p1", config, 1, Duration.ofMinutes(10), cpu);
            step(out, started, "  %,.0f records/s; %s; recall %s", e2eP1.recordsPerSecond(), e2eP1.cores(), e2eP1.recall());
            step(out, started, "end to end over AMQP: Event Hubs test endpoint -> job -> Elasticsearch");
            amqp = AmqpEndToEndStage.run(cluster, servers, log, config, s.parallelism(), Duration.ofMinutes(10), cpu);
            step(out, started, "  %,.0f records/s; %s (the endpoint runs in the job's JVM); recall %s",
                    amqp.recordsPerSecond(), amqp.cores(), amqp.recall());
            step(out, started, "latency at %,d records/s for %d s", s.rate(), s.latencyDuration().toSeconds());
            latency = LatencyStage.run(
                    servers,
                    ActivityLogGenerator.Settings.of(s.seed() + 1, (int) (s.rate() * s.latencyDuration().toSeconds()),
                            s.rate(), s.latencyIncidentsPerRule()),
                    config,
                    s.parallelism(),
                    s.pollInterval(),
                    ElasticsearchSinkOptions.builder());
            step(out, started, "  single p99 %.0f ms, sequence p99 %.0f ms; recall %s",
                    latency.single().p99(), latency.sequence().p99(), latency.recall());
        }
        step(out, started, "state: %,d keys", s.stateKeys());
        StateStage.Result state = StateStage.run(s.stateKeys(), config, s.parallelism(), Duration.ofMinutes(10));
        step(out, started, "  %.0f savepoint bytes per key (%,d -> %,d bytes), %.0f heap bytes per key",
                state.bytesPerKey(), state.savepointBytesBefore(), state.savepointBytesAfter(), state.heapBytesPerKey());
        StateStage.NsgDefinitionBytes nsg = StateStage.nsgDefinitionBytes();
        step(out, started, "  nsg-definitions: %d bytes per NSG (5 rules, 2 subnets, 2 NICs, 2 tags; Flink serializer) + %d bytes key and TTL; at most %d bytes",
                nsg.typical(), nsg.keyBytes(), nsg.atCap());

        BenchReport report = new BenchReport(
                s.mode(),
                Machine.describe(),
                log.records(),
                log.stats().bytes() / (double) log.records(),
                log.stats().irrelevantOperations() / (double) log.stats().operations(),
                s.outOfOrderness().toMillis(),
                parse1.recordsPerSecond(),
                parse2,
                pipeline.recordsPerSecond(),
                pipeline.ratio(),
                e2e.recordsPerSecond(),
                latency.publishedRecordsPerSecond(),
                latency.single(),
                latency.sequence(),
                s.pollInterval().toMillis(),
                state.keys(),
                state.bytesPerKey(),
                state.heapBytesPerKey(),
                state.keys() < BenchReport.TARGET_STATE_KEYS,
                log.expected().size(),
                pipeline.recall().foundOnce(),
                e2e.recall().foundOnce(),
                latency.recall().foundOnce(),
                pipeline.recall().unexpected() + e2e.recall().unexpected() + latency.recall().unexpected()
                        + amqp.recall().unexpected() + e2eP1.recall().unexpected(),
                amqp.recordsPerSecond(),
                amqp.recall().foundOnce(),
                e2eP1.recordsPerSecond(),
                e2eP1.recall().foundOnce(),
                pipeline.warmUp().settled(),
                kafkaSource.recordsPerSecond(),
                kafkaSource.cores(),
                e2e.cores(),
                pipeline.cpuSecondsPerRecord(),
                Runtime.getRuntime().availableProcessors(),
                e2eWarmUp.settled(),
                e2eCeiling,
                e2eRatio);
        write(outputDir, report);
        step(out, started, "done; report, JSON and chart in %s", outputDir);
        return report;
    }

    /** The soak: a steady rate through the local stack; prints its own table; true when flat. */
    public static boolean soak(long seed, int rate, Duration duration, Duration outOfOrderness, Path outputDir,
            PrintWriter out) throws Exception {
        Settings s = Settings.quick(seed, rate, outOfOrderness);
        try (LocalServers servers = LocalServers.start()) {
            out.printf("soak: %,d records/s for %s through Kafka -> job -> Elasticsearch; samples every 10 s%n", rate, duration);
            out.flush();
            SoakStage.Result result = SoakStage.run(servers, seed, rate, duration, s.config(), s.parallelism(),
                    Duration.ofSeconds(10), out);
            StringBuilder text = new StringBuilder();
            text.append(String.format("soak on %s: %,.0f records/s achieved for %s%n", Machine.describe(), result.recordsPerSecond(), duration));
            for (SoakStage.Sample sample : result.samples()) {
                text.append(SoakStage.describe(sample)).append('\n');
            }
            text.append(String.format("checkpoint durations %s, heap %s, lag %s: %s%n",
                    flat(result.checkpointsFlat()), flat(result.heapFlat()), flat(result.lagFlat()),
                    result.flat() ? "FLAT" : "NOT FLAT"));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("soak_rate_eps", Math.round(result.recordsPerSecond()));
            json.put("soak_seconds", duration.toSeconds());
            json.put("soak_samples", result.samples().size());
            json.put("soak_checkpoints_flat", result.checkpointsFlat());
            json.put("soak_heap_flat", result.heapFlat());
            json.put("soak_lag_flat", result.lagFlat());
            json.put("soak_flat", result.flat());
            String line = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(json);
            Files.createDirectories(outputDir);
            Files.writeString(outputDir.resolve("soak.txt"), text + line + "\n", StandardCharsets.UTF_8);
            out.print(text);
            out.println(line);
            out.flush();
            return result.flat();
        }
    }

    private static String flat(boolean flat) {
        return flat ? "flat" : "growing";
    }

    static void write(Path outputDir, BenchReport report) throws IOException {
        Files.createDirectories(outputDir);
        Files.writeString(outputDir.resolve("report.txt"), report.table(), StandardCharsets.UTF_8);
        Files.writeString(outputDir.resolve("result.json"), report.jsonLine() + "\n", StandardCharsets.UTF_8);
        Files.writeString(outputDir.resolve("chart.svg"), SvgChart.of(report), StandardCharsets.UTF_8);
    }

    private static List<KafkaRecord> kafkaRecords(GeneratedLog log) {
        List<KafkaRecord> records = new ArrayList<>(log.envelopes().size());
        long offset = 0;
        for (Envelope e : log.envelopes()) {
            records.add(new KafkaRecord("insights-activity-logs", 0, offset++, 0, e.value()));
        }
        return records;
    }

    private static void step(PrintWriter out, long started, String format, Object... args) {
        out.printf("[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, String.format(format, args));
        out.flush();
    }

    /** The machine, for the report: cores, CPU model, memory, JDK and the load when the run started. */
    static final class Machine {
        private Machine() {}

        static String describe() {
            String cpu = "unknown CPU";
            long memKb = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        cpu = line.substring(line.indexOf(':') + 1).strip();
                        break;
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal")) {
                        memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: the rest still says enough
            }
            return String.format("%d cores, %s, %.0f GB RAM, Java %s, %s, load %.2f",
                    Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0,
                    System.getProperty("java.version"),
                    heap(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit(),
                            Runtime.getRuntime().maxMemory()),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }

        /**
         * The heap, as the numbers depend on it: a heap that grows during the run makes the early
         * stages pay the first touch of every new page, which slowed the parser five-fold here.
         */
        static String heap(List<String> jvmArguments, long initialBytes, long maxBytes) {
            boolean preTouched = false;
            for (String argument : jvmArguments) {
                if (argument.equals("-XX:+AlwaysPreTouch")) {
                    preTouched = true;
                } else if (argument.equals("-XX:-AlwaysPreTouch")) {
                    preTouched = false;
                }
            }
            double gb = maxBytes / (1024.0 * 1024 * 1024);
            if (preTouched && initialBytes >= maxBytes) {
                return String.format("heap %.1f GB pre-touched", gb);
            }
            return String.format("heap %.1f to %.1f GB, %s", initialBytes / (1024.0 * 1024 * 1024), gb,
                    preTouched ? "pre-touched as it grows" : "not pre-touched (the early stages pay its first touch)");
        }
    }
}
