package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {
    /** A fake JVM on 2 cores: each step lasts one second and compiles for the next of {@code compileMillis}. */
    private final AtomicLong clockNanos = new AtomicLong();
    private final AtomicLong compiledMillis = new AtomicLong();
    private final AtomicInteger steps = new AtomicInteger();
    private final JitWarmUp warmUp = new JitWarmUp(compiledMillis::get, clockNanos::get, 2);

    private JitWarmUp.Step compiling(long... compileMillis) {
        return () -> {
            compiledMillis.addAndGet(compileMillis[Math.min(steps.getAndIncrement(), compileMillis.length - 1)]);
            clockNanos.addAndGet(1_000_000_000L);
        };
    }

    @Test
    void stopsAtTheFirstStepWhoseCompilingIsUnderTenPercentOfItsCpu() throws Exception {
        // 2 cores x 1 s = 2 000 ms of CPU per step: 800 ms is 40 %, 240 ms 12 %, 190 ms 9.5 %
        JitWarmUp.Result result = warmUp.until(compiling(800, 400, 240, 190, 0), 1, Duration.ofMinutes(1));

        assertThat(result.steps()).isEqualTo(4);
        assertThat(result.lastShare()).isEqualTo(0.095);
        assertThat(result.settled()).isTrue();
        assertThat(result.seconds()).isEqualTo(4.0);
        assertThat(steps).hasValue(4);
    }

    @Test
    void runsAtLeastTheMinimumEvenWhenTheFirstStepIsSettled() throws Exception {
        JitWarmUp.Result result = warmUp.until(compiling(0), 3, Duration.ZERO);

        assertThat(result.steps()).isEqualTo(3);
        assertThat(result.settled()).isTrue();
    }

    @Test
    void stopsWhenTheBudgetIsSpentAndSaysTheJitHasNotSettled() throws Exception {
        JitWarmUp.Result result = warmUp.until(compiling(500), 1, Duration.ofMillis(2_500));

        // steps end at 1, 2 and 3 s: the third is the first to end past the 2.5 s budget
        assertThat(result.steps()).isEqualTo(3);
        assertThat(result.lastShare()).isEqualTo(0.25);
        assertThat(result.settled()).isFalse();
        assertThat(result).hasToString("3 warm-up steps in 3.0 s, JIT 25 % of the last one (not settled within the budget)");
    }

    @Test
    void refusesFewerThanOneStep() {
        assertThatThrownBy(() -> warmUp.until(compiling(0), 0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minSteps must be at least 1, not 0");
    }

    @Test
    void readsThisJvmsCompiler() throws Exception {
        JitWarmUp.Result result = JitWarmUp.ofThisJvm().until(() -> {}, 1, Duration.ZERO);

        assertThat(result.steps()).isEqualTo(1);
    }
}
