package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSamplerTest {
    private static final long S = 1_000_000_000L;
    // the job busy on 2 cores, the broker on half of one, the node idle, the machine on 2.5; samples 100 ms apart
    private static final List<CpuSampler.Sample> SAMPLES = List.of(
            new CpuSampler.Sample(1_000, 10 * S, 3 * S, S, 50 * S),
            new CpuSampler.Sample(1_100, 10 * S + S / 5, 3 * S + S / 20, S, 50 * S + S / 4),
            new CpuSampler.Sample(1_200, 10 * S + 2 * S / 5, 3 * S + S / 10, S, 50 * S + S / 2));

    @Test
    void aWindowBetweenSamplesIsInterpolated() {
        CpuSampler.Cores cores = CpuSampler.between(SAMPLES, 1_050, 1_150);
        assertThat(cores.job()).isCloseTo(2.0, within(1e-9));
        assertThat(cores.broker()).isCloseTo(0.5, within(1e-9));
        assertThat(cores.elasticsearch()).isZero();
        assertThat(cores.total()).isCloseTo(2.5, within(1e-9));
        assertThat(cores.machine()).isCloseTo(2.5, within(1e-9));
        // 2.5 core-seconds a second at 250 000 records/s: 10 us of CPU per record
        assertThat(cores.secondsPerRecord(250_000)).isCloseTo(10e-6, within(1e-12));
    }

    @Test
    void aWindowTheSamplesDoNotCoverIsRefused() {
        assertThatThrownBy(() -> CpuSampler.between(SAMPLES, 950, 1_150))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no CPU samples around 950");
        assertThatThrownBy(() -> CpuSampler.between(SAMPLES, 1_100, 1_100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProcessCpuTimeIsReadFromProcAsProcessHandleReadsIt() {
        long pid = ProcessHandle.current().pid();
        long before = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
        long read = CpuSampler.cpuNanos(pid);
        long after = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
        // both count 10-ms ticks of utime + stime: equal to the tick, unless a tick falls between
        assertThat(read).isPositive().isBetween(before, after + 10_000_000L);
    }

    @Test
    void aProcessThatHasGoneHasNoCpuTime() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        assertThat(CpuSampler.cpuNanos(exited.pid())).isZero();
    }
}
