package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDetails;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.rules.ResourceNames;
import io.deletionwatch.job.rules.SingleEventFindings;
import io.deletionwatch.job.events.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The finding of an NSG sequence: about the deletion that completed it. */
public final class NsgSequenceFindings {
    private NsgSequenceFindings() {}

    /**
     * @param blocked the refused delete that started the sequence, or null
     * @param detached the detachments, in event-time order
     * @param deleted the deletion
     */
    public static Finding of(
            RuleDefinition rule, NsgSignal blocked, List<NsgSignal> detached, NsgSignal deleted) {
        ActivityEvent deletion = deleted.event();
        Map<String, String> unprotected = new LinkedHashMap<>();
        Set<String> detachers = new LinkedHashSet<>();
        List<ActivityEvent> evidence = new ArrayList<>();
        if (blocked != null) {
            evidence.add(blocked.event());
        }
        for (NsgSignal d : detached) {
            unprotected.putIfAbsent(d.holderKey(), d.holderId());
            detachers.add(d.event().caller().displayName());
            evidence.add(d.event());
        }
        evidence.add(deletion);

        ActivityEvent firstStep = blocked != null ? blocked.event() : detached.get(0).event();
        StringBuilder message = new StringBuilder(deletion.caller().displayName());
        message.append(" deleted network security group ").append(deletion.resource().name());
        message.append(SingleEventFindings.where(deletion)).append(' ');
        message.append(ResourceNames.duration(Duration.between(firstStep.time(), deletion.time())));
        if (blocked != null) {
            message.append(" after a delete refused because it was in use, and after ");
        } else {
            message.append(" after ");
        }
        if (detachers.size() == 1 && detachers.contains(deletion.caller().displayName())) {
            message.append("removing it from ");
        } else {
            message.append(String.join(" and ", detachers)).append(" removed it from ");
        }
        List<String> names = new ArrayList<>();
        for (String id : unprotected.values()) {
            names.add(ResourceNames.describe(ResourceId.parse(id)));
        }
        message.append(String.join(", ", names));
        message.append(names.size() == 1 ? ", which has no NSG now" : ", which have no NSG now");

        FindingDetails details =
                new FindingDetails(
                        null,
                        firstStep.time(),
                        deletion.time(),
                        null,
                        null,
                        new ArrayList<>(unprotected.values()),
                        null);
        return SingleEventFindings.of(
                rule, Severity.CRITICAL, deletion, message.toString(), evidence, details);
    }
}
