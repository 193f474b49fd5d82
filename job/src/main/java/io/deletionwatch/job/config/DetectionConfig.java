package io.deletionwatch.job.config;

import io.deletionwatch.job.enrichment.Allowlist;
import io.deletionwatch.job.enrichment.EnrichmentTable;
import io.deletionwatch.job.parsing.ActivityLogParser;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the detection part of the pipeline behaves, whatever the input and outputs.
 *
 * @param outOfOrderness how late an event may arrive behind the newest one of its partition and
 *     still count in event-time windows
 * @param idleness after how long without events a partition stops holding back the watermark
 * @param dedupTtl how long an operation is remembered to drop its duplicate rows
 * @param maxRecordBytes larger Kafka records are dead letters ({@code too_large})
 * @param rules the sequence and burst rules' thresholds and windows
 * @param allowlist callers expected to do this work: their findings are lowered one step
 * @param enrichment subscription names, environments, owners and resource criticality
 */
public record DetectionConfig(
        Duration outOfOrderness,
        Duration idleness,
        Duration dedupTtl,
        int maxRecordBytes,
        RulesConfig rules,
        Allowlist allowlist,
        EnrichmentTable enrichment)
        implements Serializable {

    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofMinutes(5);
    public static final Duration DEFAULT_IDLENESS = Duration.ofMinutes(1);
    public static final Duration DEFAULT_DEDUP_TTL = Duration.ofHours(6);
    public static final int DEFAULT_MAX_RECORD_BYTES = ActivityLogParser.DEFAULT_MAX_RECORD_BYTES;

    /** Default rules, no allowlist, no enrichment. */
    public DetectionConfig(
            Duration outOfOrderness, Duration idleness, Duration dedupTtl, int maxRecordBytes) {
        this(
                outOfOrderness,
                idleness,
                dedupTtl,
                maxRecordBytes,
                RulesConfig.defaults(),
                Allowlist.NONE,
                EnrichmentTable.EMPTY);
    }

    public static DetectionConfig defaults() {
        return new DetectionConfig(
                DEFAULT_OUT_OF_ORDERNESS,
                DEFAULT_IDLENESS,
                DEFAULT_DEDUP_TTL,
                DEFAULT_MAX_RECORD_BYTES);
    }

    public DetectionConfig withIdleness(Duration newIdleness) {
        return new DetectionConfig(
                outOfOrderness, newIdleness, dedupTtl, maxRecordBytes, rules, allowlist, enrichment);
    }

    public DetectionConfig withRules(RulesConfig newRules) {
        return new DetectionConfig(
                outOfOrderness, idleness, dedupTtl, maxRecordBytes, newRules, allowlist, enrichment);
    }

    public DetectionConfig withAllowlist(Allowlist newAllowlist) {
        return new DetectionConfig(
                outOfOrderness, idleness, dedupTtl, maxRecordBytes, rules, newAllowlist, enrichment);
    }

    public DetectionConfig withEnrichment(EnrichmentTable newEnrichment) {
        return new DetectionConfig(
                outOfOrderness, idleness, dedupTtl, maxRecordBytes, rules, allowlist, newEnrichment);
    }
}
