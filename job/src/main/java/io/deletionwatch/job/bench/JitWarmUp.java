package io.deletionwatch.job.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Repeats a warm-up step until the JIT compiler has settled: until one step's compiling took less
 * than a given share of the CPU the step had. A measurement taken earlier shares the two cores with
 * the compiler (a quarter to two fifths of them during the pipeline's first runs, BENCHMARKS.md),
 * which a job that has run for more than a minute no longer does.
 */
final class JitWarmUp {
    /**
     * The compiler's share of a step below which the JIT counts as settled. A pipeline step
     * submits and deploys a job, which compiles a little of its own every time: its share falls
     * from 25-45 % in the first steps to 5-10 % and stays there (BENCHMARKS.md).
     */
    static final double SETTLED_SHARE = 0.10;

    /** One warm-up step: a run of the code to be measured. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /**
     * @param steps the steps run
     * @param lastShare the compiler's share of the CPU during the last step
     * @param settled whether that share fell below the threshold within the budget
     * @param seconds how long the warm-up took
     */
    record Result(int steps, double lastShare, boolean settled, double seconds) {
        @Override
        public String toString() {
            return String.format("%d warm-up step%s in %.1f s, JIT %.0f %% of the last one%s",
                    steps, steps == 1 ? "" : "s", seconds, 100 * lastShare, settled ? "" : " (not settled within the budget)");
        }
    }

    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;
    private final int cores;

    JitWarmUp(LongSupplier compileMillis, LongSupplier nanoTime, int cores) {
        this.compileMillis = compileMillis;
        this.nanoTime = nanoTime;
        this.cores = cores;
    }

    /** This JVM's compiler, clock and processors. */
    static JitWarmUp ofThisJvm() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            throw new IllegalStateException("this JVM does not report its JIT compilation time");
        }
        return new JitWarmUp(compiler::getTotalCompilationTime, System::nanoTime, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs {@code step} at least {@code minSteps} times, then until a step's compiling falls below
     * {@link #SETTLED_SHARE} of its CPU or {@code budget} has passed.
     */
    Result until(Step step, int minSteps, Duration budget) throws Exception {
        if (minSteps < 1) {
            throw new IllegalArgumentException("minSteps must be at least 1, not " + minSteps);
        }
        long start = nanoTime.getAsLong();
        long deadline = start + budget.toNanos();
        int steps = 0;
        double share;
        boolean settled;
        do {
            long compiledBefore = compileMillis.getAsLong();
            long before = nanoTime.getAsLong();
            step.run();
            long after = nanoTime.getAsLong();
            steps++;
            double cpuMillis = Math.max(1e-3, (after - before) / 1e6 * cores);
            share = (compileMillis.getAsLong() - compiledBefore) / cpuMillis;
            settled = share < SETTLED_SHARE;
        } while (steps < minSteps || (!settled && nanoTime.getAsLong() < deadline));
        return new Result(steps, share, settled, (nanoTime.getAsLong() - start) / 1e9);
    }
}
