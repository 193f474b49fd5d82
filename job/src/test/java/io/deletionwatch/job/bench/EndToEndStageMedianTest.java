package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndStageMedianTest {
    private static final Recall.Result ALL = new Recall.Result(55, 55, 0, 0, 0);
    private static final Recall.Result ONE_MISSING = new Recall.Result(55, 54, 1, 0, 0);

    @Test
    void theMedianRunKeepsItsOwnCoresAndTheWorstRecallOfAll() {
        CpuSampler.Cores slow = new CpuSampler.Cores(1.0, 0.1, 0.1, 1.2);
        CpuSampler.Cores middle = new CpuSampler.Cores(1.4, 0.2, 0.2, 1.8);
        CpuSampler.Cores fast = new CpuSampler.Cores(1.5, 0.2, 0.2, 1.9);
        EndToEndStage.Result median = EndToEndStage.median(List.of(
                new EndToEndStage.Result(130_000, ALL, fast),
                new EndToEndStage.Result(90_000, ONE_MISSING, slow),
                new EndToEndStage.Result(110_000, ALL, middle)));
        assertThat(median).isEqualTo(new EndToEndStage.Result(110_000, ONE_MISSING, middle));
    }

    @Test
    void ofTwoRunsTheSlowerIsTheMedian() {
        CpuSampler.Cores cores = new CpuSampler.Cores(1.4, 0.2, 0.2, 1.8);
        assertThat(EndToEndStage.median(List.of(new EndToEndStage.Result(120_000, ALL, cores),
                        new EndToEndStage.Result(100_000, ALL, cores))).recordsPerSecond())
                .isEqualTo(100_000);
    }
}
