package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParsedRecord;
import io.deletionwatch.job.pipeline.DeletionWatchPipeline;
import io.deletionwatch.job.pipeline.Inputs;
import io.deletionwatch.job.rules.Rules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The whole pipeline (parse, de-duplicate, filter, every rule, enrichment) on a MiniCluster in this
 * JVM, from a parallel in-memory source that parses like the Kafka source to a discarding sink:
 * what the job does without Kafka and Elasticsearch.
 */
final class PipelineStage {
    /**
     * @param recordsPerSecond the median of the measured runs
     * @param runs each measured run's records per second, in order
     * @param references the reference measured before the first run and after each, in order
     * @param ratio the median over the runs of each run over the mean of the references either side
     * @param recall the measured runs' recall, the worst of them when they differ
     * @param warmUp the runs before them, until the JIT compiler settled
     * @param cpuSecondsPerRecord the median over the measured runs of this JVM's CPU per record
     */
    record Result(
            double recordsPerSecond,
            List<Long> runs,
            List<Long> references,
            double ratio,
            Recall.Result recall,
            JitWarmUp.Result warmUp,
            double cpuSecondsPerRecord) {}

    /** What each measured run is compared with (the parse ceiling), measured around each run. */
    @FunctionalInterface
    interface Reference {
        double recordsPerSecond() throws Exception;
    }

    /** One run of the stage. */
    private record Run(double recordsPerSecond, Recall.Result recall, double cpuSecondsPerRecord) {}

    private PipelineStage() {}

    /**
     * Runs the pipeline on one MiniCluster, as a long-lived TaskManager runs it: first until the
     * JIT compiler settles or {@code warmUpBudget} has passed, as the parse ceiling warms up before
     * its clock runs, then {@code measuredRuns} times on the same data, and reports the median: one
     * run lasts 2-4 s, and runs of one JVM still differ by up to a quarter (BENCHMARKS.md).
     * {@code reference} is measured before the first measured run and after each, and each run is
     * compared with the two either side of it: this machine's speed swings by up to 40 % from one
     * minute to the next, and a ratio of two numbers taken minutes apart measures the swing.
     *
     * @param cpu samples this JVM's CPU, for each measured run's CPU per record
     */
    static Result run(
            GeneratedLog log,
            List<KafkaRecord> envelopes,
            DetectionConfig config,
            int parallelism,
            int measuredRuns,
            Duration warmUpBudget,
            Reference reference,
            CpuSampler cpu)
            throws Exception {
        if (measuredRuns < 1) {
            throw new IllegalArgumentException("measuredRuns must be at least 1, not " + measuredRuns);
        }
        List<Run> measured = new ArrayList<>();
        List<Double> references = new ArrayList<>();
        JitWarmUp.Result warmUp;
        try (BoundedJob.Cluster cluster = BoundedJob.Cluster.start(new Configuration(), parallelism)) {
            warmUp = JitWarmUp.ofThisJvm()
                    .until(() -> runOnce(cluster, log, envelopes, config, parallelism, cpu), 1, warmUpBudget);
            references.add(reference.recordsPerSecond());
            for (int i = 0; i < measuredRuns; i++) {
                measured.add(runOnce(cluster, log, envelopes, config, parallelism, cpu));
                references.add(reference.recordsPerSecond());
            }
        }
        double[] runRates = measured.stream().mapToDouble(Run::recordsPerSecond).toArray();
        Recall.Result worst = Recall.Result.worst(measured.stream().map(Run::recall).toList());
        double ratio = pairedRatio(runRates, references.stream().mapToDouble(Double::doubleValue).toArray());
        return new Result(
                median(runRates),
                Arrays.stream(runRates).mapToObj(Math::round).toList(),
                references.stream().map(Math::round).toList(),
                ratio,
                worst,
                warmUp,
                median(measured.stream().mapToDouble(Run::cpuSecondsPerRecord).toArray()));
    }

    /**
     * The median over the runs of {@code runs[i]} over the mean of {@code references[i]} and
     * {@code references[i + 1]}, the references measured just before and just after it.
     */
    static double pairedRatio(double[] runs, double[] references) {
        if (references.length != runs.length + 1) {
            throw new IllegalArgumentException(
                    runs.length + " runs need " + (runs.length + 1) + " references, not " + references.length);
        }
        double[] ratios = new double[runs.length];
        for (int i = 0; i < runs.length; i++) {
            ratios[i] = runs[i] / ((references[i] + references[i + 1]) / 2);
        }
        return median(ratios);
    }

    /** The middle value, or the mean of the two middle ones. */
    static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static Run runOnce(
            BoundedJob.Cluster cluster,
            GeneratedLog log, List<KafkaRecord> envelopes, DetectionConfig config, int parallelism, CpuSampler cpu)
            throws Exception {
        String name = InMemory.register(envelopes);
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(parallelism);
            // Parsed inside a parallel source with per-partition watermarks, as the Kafka source
            // does in production: one partition per parser, nothing raw between tasks.
            DataStream<ParsedRecord> parsed =
                    env.fromSource(
                                    new InMemorySource(
                                            name, parallelism, new ActivityLogParser(config.maxRecordBytes())),
                                    Inputs.watermarks(config),
                                    "In-memory Activity Log")
                            .uid("bench-in-memory-source")
                            .name("In-memory Activity Log (parsed in the source)");
            DeletionWatchPipeline.Outputs outputs =
                    DeletionWatchPipeline.build(parsed, Rules.all(config), config);
            outputs.findings().sinkTo(new InMemory.FindingSink(name)).uid("findings-sink").name("Findings (kept for recall)");
            outputs.deadLetters().sinkTo(new DiscardingSink<>()).uid("dead-letter-sink").name("Dead letters (discarded)");
            // From the first record read, as the parse ceiling's clock starts with its first parse:
            // task start-up and split assignment (~1 s of a ~4 s run) are no part of the pipeline.
            BoundedJob.Timing timing = cluster.execute(env, "deletion-watch bench: pipeline", Duration.ofMinutes(10));
            long firstRead = InMemory.firstReadMillis(name);
            double seconds = timing.secondsFrom(firstRead);
            double cores = cpu.between(firstRead, timing.lastFinishedMillis()).job();
            Recall recall = new Recall(log.expected());
            for (Finding f : InMemory.findings(name)) {
                recall.observe(
                        f.rule().id(),
                        f.resource() == null ? null : f.resource().key(),
                        f.caller() == null ? null : f.caller().id(),
                        f.id());
            }
            double recordsPerSecond = log.records() / seconds;
            return new Run(recordsPerSecond, recall.result(), cores / recordsPerSecond);
        } finally {
            InMemory.forget(name);
        }
    }
}
