package io.deletionwatch.job.cli;

import io.deletionwatch.job.bench.BenchReport;
import io.deletionwatch.job.bench.Benchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the job on generated Activity Log data (~1.5 KB records, >= 95 %% irrelevant"
                    + " operations, incidents for every rule at known times): the parser's ceiling on"
                    + " 1 and 2 threads, the pipeline on a MiniCluster, Kafka to Elasticsearch on"
                    + " embedded real servers at parallelism 2 and 1 (with the headroom over the 27 000"
                    + " records/s of a 40-unit Standard namespace) and the same over AMQP (the wire-level Event Hubs test"
                    + " endpoint), the Kafka source alone into a discarding sink (what fetching costs), alert latency"
                    + " at a fixed rate, state bytes per key and recall. In the end-to-end stages it reads the CPU"
                    + " of the job's JVM, the broker, the Elasticsearch node and the machine, and bounds the"
                    + " end-to-end rate by what fetching and the pipeline cost alone. Prints a table, then one JSON"
                    + " object as the last line; writes report.txt, result.json and chart.svg to --output-dir."
                    + " bin/deletion-watch gives it a fixed heap touched at start-up (6 GB, 2 GB with --quick;"
                    + " DELETION_WATCH_JAVA_OPTS overrides it), and the parser, the pipeline and the end-to-end"
                    + " job warm up until the JIT settles.",
            "--soak instead runs a steady rate through the local stack and says whether checkpoint"
                    + " durations, heap and consumer lag stay flat."
        })
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "A small run (under 2 minutes on 2 cores: about 1 min 30 s measured, every stage included) to check that every stage runs and finds everything; its pipeline and end-to-end job have too little warm-up for a steady state (the report says so). The state size is measured on 30 000 keys and extrapolated.")
    boolean quick;

    @Option(names = "--soak", description = "Run the soak instead: --rate records/s for --duration through Kafka, the job and Elasticsearch.")
    boolean soak;

    @Option(names = "--rate", paramLabel = "RECORDS_PER_SECOND", defaultValue = "5000",
            description = "Input rate of the latency stage and the soak (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long the soak runs (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--out-of-orderness", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "The job's out-of-orderness allowance during the benchmark; sequence rules fire about this long"
                    + " after their last event (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(names = "--seed", defaultValue = "20260301", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Where report.txt, result.json and chart.svg (soak.txt for --soak) go (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Override
    public Integer call() throws Exception {
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be at least 1");
        }
        if (duration.toSeconds() < 30) {
            throw new IllegalArgumentException("--duration must be at least 30s");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (soak) {
            return Benchmark.soak(seed, rate, duration, outOfOrderness, outputDir, out) ? 0 : 1;
        }
        Benchmark.Settings settings = quick
                ? Benchmark.Settings.quick(seed, rate, outOfOrderness)
                : Benchmark.Settings.full(seed, rate, outOfOrderness);
        BenchReport report = Benchmark.run(settings, outputDir, out);
        out.print(report.table());
        out.println(report.jsonLine());
        out.flush();
        return 0;
    }
}
