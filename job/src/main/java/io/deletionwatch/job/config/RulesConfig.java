package io.deletionwatch.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Thresholds and windows of the sequence and burst rules, and how long the NSG attachment state
 * is kept.
 *
 * @param massDeletionThreshold distinct resources one caller must delete within {@code
 *     massDeletionWindow} for {@code mass-deletion}; three times as many make it critical
 * @param massDeletionWindow the burst window of {@code mass-deletion}
 * @param disassociationWindow from removing an NSG from a subnet or NIC to deleting it ({@code
 *     nsg-disassociated-then-deleted})
 * @param forcedDeletionWindow from the failed (in use) delete to the successful one ({@code
 *     nsg-forced-deletion})
 * @param loggingDeletionWindow from switching logging off to a deletion by the same caller ({@code
 *     logging-disabled-then-deletion})
 * @param attachmentTtl how long the NSG last seen on a subnet or NIC is remembered after the last
 *     write that showed it
 * @param nsgDefinitionTtl how long an NSG's last known definition (for the restore template of its
 *     deletion) is remembered after the last write that changed it
 */
public record RulesConfig(
        int massDeletionThreshold,
        Duration massDeletionWindow,
        Duration disassociationWindow,
        Duration forcedDeletionWindow,
        Duration loggingDeletionWindow,
        Duration attachmentTtl,
        Duration nsgDefinitionTtl)
        implements Serializable {

    public static final int DEFAULT_MASS_DELETION_THRESHOLD = 10;
    public static final Duration DEFAULT_MASS_DELETION_WINDOW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SEQUENCE_WINDOW = Duration.ofMinutes(60);
    public static final Duration DEFAULT_ATTACHMENT_TTL = Duration.ofDays(30);
    public static final Duration DEFAULT_NSG_DEFINITION_TTL = Duration.ofDays(90);

    public RulesConfig {
        if (massDeletionThreshold < 2) {
            throw new IllegalArgumentException(
                    "the mass-deletion threshold must be at least 2, not " + massDeletionThreshold);
        }
        requirePositive("mass-deletion window", massDeletionWindow);
        requirePositive("disassociation window", disassociationWindow);
        requirePositive("forced-deletion window", forcedDeletionWindow);
        requirePositive("logging-deletion window", loggingDeletionWindow);
        requirePositive("NSG attachment TTL", attachmentTtl);
        requirePositive("NSG definition TTL", nsgDefinitionTtl);
    }

    /** With the default NSG definition TTL. */
    public RulesConfig(
            int massDeletionThreshold,
            Duration massDeletionWindow,
            Duration disassociationWindow,
            Duration forcedDeletionWindow,
            Duration loggingDeletionWindow,
            Duration attachmentTtl) {
        this(
                massDeletionThreshold,
                massDeletionWindow,
                disassociationWindow,
                forcedDeletionWindow,
                loggingDeletionWindow,
                attachmentTtl,
                DEFAULT_NSG_DEFINITION_TTL);
    }

    public static RulesConfig defaults() {
        return new RulesConfig(
                DEFAULT_MASS_DELETION_THRESHOLD,
                DEFAULT_MASS_DELETION_WINDOW,
                DEFAULT_SEQUENCE_WINDOW,
                DEFAULT_SEQUENCE_WINDOW,
                DEFAULT_SEQUENCE_WINDOW,
                DEFAULT_ATTACHMENT_TTL);
    }

    public RulesConfig withMassDeletion(int threshold, Duration window) {
        return new RulesConfig(
                threshold,
                window,
                disassociationWindow,
                forcedDeletionWindow,
                loggingDeletionWindow,
                attachmentTtl,
                nsgDefinitionTtl);
    }

    private static void requirePositive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive, not " + value);
        }
    }
}
