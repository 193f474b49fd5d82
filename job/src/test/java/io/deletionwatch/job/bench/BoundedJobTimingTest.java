package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedJobTimingTest {
    private final BoundedJob.Timing timing = new BoundedJob.Timing(10_000, 14_500);

    @Test
    void timesFromTheFirstTaskRunningOrFromAGivenStartToTheLastTaskFinished() {
        assertThat(timing.seconds()).isEqualTo(4.5);
        assertThat(timing.secondsFrom(11_250)).isEqualTo(3.25);
    }

    @Test
    void refusesAStartThatNeverCameOrCameAfterTheEnd() {
        // 0: the source never read a record, so there is no rate to give
        assertThatThrownBy(() -> timing.secondsFrom(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> timing.secondsFrom(14_501)).isInstanceOf(IllegalStateException.class);
    }
}
