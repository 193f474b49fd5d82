package io.deletionwatch.job.rules;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.config.RulesConfig;
import java.util.List;

/** The detection rules the job runs. */
public final class Rules {
    private Rules() {}

    /** Every rule, with default thresholds and windows. */
    public static List<DetectionRule> all() {
        return all(DetectionConfig.defaults());
    }

    /** Every rule, with the configured thresholds and windows. */
    public static List<DetectionRule> all(DetectionConfig config) {
        RulesConfig rules = config.rules();
        return List.of(
                new NsgDeletedRule(),
                new NsgRuleChangedRule(config.dedupTtl()),
                new NsgDisassociatedThenDeletedRule(rules.disassociationWindow()),
                new NsgForcedDeletionRule(rules.forcedDeletionWindow()),
                new MassDeletionRule(rules.massDeletionThreshold(), rules.massDeletionWindow()),
                new LoggingDisabledRule(),
                new LoggingDisabledThenDeletionRule(rules.loggingDeletionWindow()));
    }
}
