package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineHeapTest {
    private static final long GB = 1024L * 1024 * 1024;

    @Test
    void aFixedPreTouchedHeapSaysSo() {
        assertThat(Benchmark.Machine.heap(List.of("-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"), 6 * GB, 6 * GB))
                .isEqualTo("heap 6.0 GB pre-touched");
    }

    @Test
    void aGrowingHeapIsNamedAsTheCaveatItIs() {
        assertThat(Benchmark.Machine.heap(List.of(), GB / 2, 6 * GB))
                .isEqualTo("heap 0.5 to 6.0 GB, not pre-touched (the early stages pay its first touch)");
    }

    @Test
    void theLastAlwaysPreTouchFlagWins() {
        assertThat(Benchmark.Machine.heap(List.of("-XX:+AlwaysPreTouch", "-XX:-AlwaysPreTouch"), 2 * GB, 2 * GB))
                .isEqualTo("heap 2.0 to 2.0 GB, not pre-touched (the early stages pay its first touch)");
        assertThat(Benchmark.Machine.heap(List.of("-XX:+AlwaysPreTouch"), GB, 2 * GB))
                .isEqualTo("heap 1.0 to 2.0 GB, pre-touched as it grows");
    }
}
