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
 * {@code nsg-deleted}: a network security group was deleted successfully. Emitted on arrival; the
 * upstream de-duplication makes it one finding per operation however many phases arrive.
 */
public final class NsgDeletedRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "nsg-deleted",
                    "Network security group deleted",
                    "A network security group was deleted. Whatever it protected is now open to"
                            + " the traffic its rules denied, unless another NSG or firewall covers"
                            + " it.",
                    "network-security",
                    List.of("configuration", "network"),
                    List.of("deletion"),
                    List.of(Technique.CLOUD_FIREWALL),
                    List.of("IF014.005"));

    @Override
    public RuleDefinition definition() {
        return DEFINITION;
    }

    @Override
    public boolean accepts(ActivityEvent event) {
        return event.succeeded() && event.operation().equals(Operations.NSG_DELETE);
    }

    @Override
    public DataStream<Finding> detect(RuleInputs inputs) {
        return inputs.events()
                .filter(this::accepts)
                .name("NSG deletions")
                .map(NsgDeletedRule::finding)
                .name("nsg-deleted findings");
    }

    public static Finding finding(ActivityEvent event) {
        String message =
                event.caller().displayName()
                        + " deleted network security group "
                        + event.resource().name()
                        + SingleEventFindings.where(event);
        return SingleEventFindings.of(
                DEFINITION, Severity.HIGH, event, message, List.of(event), FindingDetails.NONE);
    }
}
