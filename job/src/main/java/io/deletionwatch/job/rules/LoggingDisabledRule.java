package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDetails;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.findings.Technique;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code logging-disabled}: a diagnostic setting, log profile, Log Analytics workspace, Network
 * Watcher or flow log was deleted successfully. Emitted on arrival, once per operation.
 */
public final class LoggingDisabledRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "logging-disabled",
                    "Logging disabled",
                    "A diagnostic setting, log profile, Log Analytics workspace, Network Watcher or"
                            + " flow log was deleted: activity that follows may no longer be"
                            + " recorded where defenders look.",
                    "defense-evasion",
                    List.of("configuration"),
                    List.of("deletion"),
                    List.of(Technique.CLOUD_LOGS),
                    List.of("IF014.005"));

    @Override
    public RuleDefinition definition() {
        return DEFINITION;
    }

    @Override
    public boolean accepts(ActivityEvent event) {
        return isLoggingDisabled(event);
    }

    /** A successful deletion that switches logging off. */
    public static boolean isLoggingDisabled(ActivityEvent event) {
        return event.succeeded() && Operations.isLoggingDelete(event.operation());
    }

    @Override
    public DataStream<Finding> detect(RuleInputs inputs) {
        return inputs.events()
                .filter(LoggingDisabledRule::isLoggingDisabled)
                .name("Logging deletions")
                .map(LoggingDisabledRule::finding)
                .name("logging-disabled findings");
    }

    static Finding finding(ActivityEvent event) {
        String message =
                event.caller().displayName()
                        + " deleted "
                        + ResourceNames.describe(event.resource())
                        + SingleEventFindings.where(event);
        return SingleEventFindings.of(
                DEFINITION, Severity.HIGH, event, message, List.of(event), FindingDetails.NONE);
    }
}
