package io.deletionwatch.job.bench;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParseOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The job's own parser alone, on plain threads: the most records per second the job could ever
 * read, which the other stages are compared with.
 */
final class ParseCeiling {
    private ParseCeiling() {}

    /** Records per second, and the warm-up before they were measured. */
    record Result(double recordsPerSecond, JitWarmUp.Result warmUp) {}

    /**
     * Records per second on {@code threads} threads, each parsing its share until {@code atLeast}
     * passed, once the JIT has compiled the parser: warm-up slices of a second run first until
     * the compiler settles or {@code warmUpBudget} has passed.
     */
    static Result measure(List<KafkaRecord> envelopes, int threads, Duration atLeast, Duration warmUpBudget)
            throws Exception {
        JitWarmUp.Result warmUp = JitWarmUp.ofThisJvm()
                .until(() -> run(envelopes, threads, Duration.ofSeconds(1)), 1, warmUpBudget);
        return new Result(run(envelopes, threads, atLeast), warmUp);
    }

    private static double run(List<KafkaRecord> envelopes, int threads, Duration atLeast) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long deadline = System.nanoTime() + atLeast.toNanos();
            long start = System.nanoTime();
            List<Future<Long>> parsed = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parsed.add(pool.submit(() -> parseShare(envelopes, first, threads, deadline)));
            }
            long total = 0;
            for (Future<Long> f : parsed) {
                total += f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Parses every {@code step}-th envelope from {@code first}, in passes, until the deadline; returns records. */
    private static long parseShare(List<KafkaRecord> envelopes, int first, int step, long deadline) {
        ActivityLogParser parser = new ActivityLogParser();
        Counting out = new Counting();
        int i = first;
        do {
            // check the clock every 256 envelopes: a whole pass can take longer than the deadline
            for (int n = 0; n < 256; n++) {
                parser.parse(envelopes.get(i), out);
                i += step;
                if (i >= envelopes.size()) {
                    i = first;
                }
            }
        } while (System.nanoTime() < deadline);
        if (out.deadLetters > 0) {
            throw new IllegalStateException("the generated log made " + out.deadLetters + " dead letters");
        }
        return out.events + out.skipped;
    }

    private static final class Counting implements ParseOutput {
        long events;
        long skipped;
        long deadLetters;

        @Override
        public void event(ActivityEvent event) {
            events++;
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            deadLetters++;
        }

        @Override
        public void skipped(String category) {
            skipped++;
        }
    }
}
