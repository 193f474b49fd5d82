package io.deletionwatch.job.cli;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.config.RulesConfig;
import io.deletionwatch.job.enrichment.Allowlist;
import io.deletionwatch.job.enrichment.EnrichmentTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    @Option(
            names = "--mass-deletion-threshold",
            paramLabel = "N",
            defaultValue = "10",
            description = "mass-deletion: distinct resources one caller deletes within the window; critical at 3 N (default: ${DEFAULT-VALUE}).")
    int massDeletionThreshold;

    @Option(
            names = "--mass-deletion-window",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "mass-deletion: the burst window (default: ${DEFAULT-VALUE}).")
    Duration massDeletionWindow;

    @Option(
            names = "--disassociation-window",
            paramLabel = "DURATION",
            defaultValue = "60m",
            converter = DurationConverter.class,
            description = "nsg-disassociated-then-deleted: from removing an NSG to deleting it (default: ${DEFAULT-VALUE}).")
    Duration disassociationWindow;

    @Option(
            names = "--forced-deletion-window",
            paramLabel = "DURATION",
            defaultValue = "60m",
            converter = DurationConverter.class,
            description = "nsg-forced-deletion: from the refused delete to the successful one (default: ${DEFAULT-VALUE}).")
    Duration forcedDeletionWindow;

    @Option(
            names = "--logging-deletion-window",
            paramLabel = "DURATION",
            defaultValue = "60m",
            converter = DurationConverter.class,
            description = "logging-disabled-then-deletion: from switching logging off to a deletion by the same caller (default: ${DEFAULT-VALUE}).")
    Duration loggingDeletionWindow;

    @Option(
            names = "--nsg-attachment-ttl",
            paramLabel = "DURATION",
            defaultValue = "30d",
            converter = DurationConverter.class,
            description = "How long the NSG last seen on a subnet or NIC is remembered after the write that showed it (default: ${DEFAULT-VALUE}).")
    Duration attachmentTtl;

    @Option(
            names = "--nsg-definition-ttl",
            paramLabel = "DURATION",
            defaultValue = "90d",
            converter = DurationConverter.class,
            description = "How long an NSG's last known rules and associations (the restore template of its deletion findings) are remembered after the last write that changed them (default: ${DEFAULT-VALUE}).")
    Duration nsgDefinitionTtl;

    @Option(
            names = "--allowlist",
            paramLabel = "FILE",
            description = "Callers expected to do this work, one object id, UPN or app id a line: their findings are lowered one severity step and tagged allowlisted.")
    Path allowlistFile;

    @Option(
            names = "--allowlist-callers",
            paramLabel = "ID",
            split = ",",
            description = "Allowlisted callers on the command line (object ids, UPNs, app ids), comma-separated.")
    List<String> allowlistCallers;

    @Option(
            names = "--enrichment",
            paramLabel = "FILE",
            description = "Lookup file (.json, else CSV) mapping subscription ids to a name, environment and owner, resource-id prefixes to a criticality, and principals (object or app ids) to the name findings show, an owner and a kind.")
    Path enrichmentFile;

    public DetectionConfig toConfig() {
        if (outOfOrderness.isNegative() || idleness.isNegative() || dedupTtl.isNegative() || dedupTtl.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("--max-record-bytes must be at least 1024");
        }
        if (massDeletionThreshold < 2) {
            throw new IllegalArgumentException("--mass-deletion-threshold must be at least 2");
        }
        RulesConfig rules =
                new RulesConfig(
                        massDeletionThreshold,
                        massDeletionWindow,
                        disassociationWindow,
                        forcedDeletionWindow,
                        loggingDeletionWindow,
                        attachmentTtl,
                        nsgDefinitionTtl);
        Allowlist allowlist = Allowlist.NONE;
        if (allowlistFile != null) {
            requireReadable(allowlistFile, "--allowlist");
            allowlist = Allowlist.load(allowlistFile);
        }
        if (allowlistCallers != null) {
            allowlist = allowlist.plus(Allowlist.of(allowlistCallers));
        }
        EnrichmentTable enrichment = EnrichmentTable.EMPTY;
        if (enrichmentFile != null) {
            requireReadable(enrichmentFile, "--enrichment");
            enrichment = EnrichmentTable.load(enrichmentFile);
        }
        return new DetectionConfig(
                outOfOrderness, idleness, dedupTtl, maxRecordBytes, rules, allowlist, enrichment);
    }

    private static void requireReadable(Path file, String option) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + ": cannot read " + file);
        }
    }
}
