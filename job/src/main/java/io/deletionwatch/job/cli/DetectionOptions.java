package io.deletionwatch.job.cli;

import io.deletionwatch.job.config.DetectionConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command that runs the pipeline shares. */
public final class DetectionOptions {
    @Option(
            names = "--out-of-orderness",
            paramLabel = "DURATION",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How late an event may arrive and still count in sequence and burst windows (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(
            names = "--idleness",
            paramLabel = "DURATION",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description = "After this long without events a partition stops holding back event time (default: ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(
            names = "--dedup-ttl",
            paramLabel = "DURATION",
            defaultValue = "6h",
            converter = DurationConverter.class,
            description = "How long an operation is remembered to drop its duplicate rows (default: ${DEFAULT-VALUE}).")
    Duration dedupTtl;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "BYTES",
            defaultValue = "1100000",
            description = "Larger Kafka records are dead letters (too_large) (default: ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    public DetectionConfig toConfig() {
        if (outOfOrderness.isNegative() || idleness.isNegative() || dedupTtl.isNegative() || dedupTtl.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("--max-record-bytes must be at least 1024");
        }
        return new DetectionConfig(outOfOrderness, idleness, dedupTtl, maxRecordBytes);
    }
}
