package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.bench.ActivityLogGenerator.GeneratedLog;
import io.deletionwatch.job.config.DetectionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's pipeline stage finds every injected incident exactly once, and nothing else, and has a rate. */
class PipelineStageITCase {
    @Test
    void findsEveryInjectedIncidentExactlyOnce() throws Exception {
        GeneratedLog log = ActivityLogGenerator.generate(
                ActivityLogGenerator.Settings.of(11L, 20_000, 5_000, 1), Instant.parse("2026-03-01T00:00:00Z"));
        List<KafkaRecord> envelopes = new ArrayList<>();
        log.envelopes().forEach(e -> envelopes.add(new KafkaRecord("t", 0, envelopes.size(), 0, e.value())));
        DetectionConfig config = new DetectionConfig(Duration.ofSeconds(2), DetectionConfig.DEFAULT_IDLENESS,
                DetectionConfig.DEFAULT_DEDUP_TTL, DetectionConfig.DEFAULT_MAX_RECORD_BYTES);

        // a reference of 100 000, 300 000 and 200 000 records/s around the two runs
        java.util.Iterator<Double> references = List.of(100_000.0, 300_000.0, 200_000.0).iterator();
        // no warm-up budget: one warm-up run, then two measured runs, all on one MiniCluster
        PipelineStage.Result result;
        try (CpuSampler cpu = CpuSampler.startThisJvm()) {
            result = PipelineStage.run(log, envelopes, config, 2, 2, Duration.ZERO, references::next, cpu);
        }

        // each run's findings are its own: a later job on the same cluster finds each incident once again
        assertThat(result.recall()).isEqualTo(new Recall.Result(11, 11, 0, 0, 0));
        assertThat(result.warmUp().steps()).isEqualTo(1);
        assertThat(result.references()).containsExactly(100_000L, 300_000L, 200_000L);
        assertThat(result.ratio()).isEqualTo(PipelineStage.pairedRatio(
                new double[] {result.runs().get(0), result.runs().get(1)}, new double[] {100_000, 300_000, 200_000}),
                org.assertj.core.data.Offset.offset(1e-4));
        // timed from the first record read to the last task finished: a number, never n/a
        assertThat(result.runs()).hasSize(2).allSatisfy(rate -> assertThat(rate).isPositive());
        assertThat(result.recordsPerSecond())
                .isEqualTo((result.runs().get(0) + result.runs().get(1)) / 2.0, org.assertj.core.data.Offset.offset(1.0));
        // this JVM's CPU per record is measured. No upper bound is checked: these runs last ~0.2 s,
        // about two of the sampler's 100-ms intervals, and the CPU is interpolated inside them
        // (the median per-record cost times the median rate, two different runs, gave 2.47 cores of 2 once)
        assertThat(result.cpuSecondsPerRecord()).isPositive();
    }
}
