package io.deletionwatch.job.cli;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** {@code replay}'s progress: records acknowledged, the rate since the last report, the share done. */
final class ReplayProgress {
    private final long total;
    private final LongSupplier nanoTime;
    private final AtomicLong acknowledged = new AtomicLong();
    private long lastNanos;
    private long lastCount;

    ReplayProgress(long total, LongSupplier nanoTime) {
        this.total = total;
        this.nanoTime = nanoTime;
        this.lastNanos = nanoTime.getAsLong();
    }

    /** Rates count from here. */
    void start() {
        lastNanos = nanoTime.getAsLong();
    }

    /** Called from the producer's I/O thread for each acknowledged record. */
    void acknowledged() {
        acknowledged.incrementAndGet();
    }

    long acknowledgedCount() {
        return acknowledged.get();
    }

    /** E.g. {@code 2000 of 10000 records acknowledged (20%), 400/s now, 0 failed}. */
    String line(long failed) {
        long now = nanoTime.getAsLong();
        long count = acknowledged.get();
        double seconds = (now - lastNanos) / 1e9;
        double rate = seconds > 0 ? (count - lastCount) / seconds : 0;
        lastNanos = now;
        lastCount = count;
        return String.format(
                "%d of %d records acknowledged (%d%%), %.0f/s now, %d failed",
                count, total, total == 0 ? 100 : count * 100 / total, rate, failed);
    }
}
