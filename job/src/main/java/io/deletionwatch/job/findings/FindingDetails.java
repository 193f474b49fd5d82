package io.deletionwatch.job.findings;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What some rules add to a finding; every field may be null.
 *
 * @param count distinct resources a burst deleted
 * @param resourceTypes resource types deleted, with counts
 * @param unprotectedResources subnets and NICs left without an NSG
 * @param restore the deleted NSG's last known definition, for the NSG deletion findings
 */
public record FindingDetails(
        Long count,
        Instant firstSeen,
        Instant lastSeen,
        List<String> resourceGroups,
        Map<String, Long> resourceTypes,
        List<String> unprotectedResources,
        NsgRuleChange nsgRule,
        NsgRestore restore) {

    public static final FindingDetails NONE =
            new FindingDetails(null, null, null, null, null, null, null);

    public FindingDetails(
            Long count,
            Instant firstSeen,
            Instant lastSeen,
            List<String> resourceGroups,
            Map<String, Long> resourceTypes,
            List<String> unprotectedResources,
            NsgRuleChange nsgRule) {
        this(count, firstSeen, lastSeen, resourceGroups, resourceTypes, unprotectedResources, nsgRule, null);
    }

    public FindingDetails withRestore(NsgRestore newRestore) {
        return new FindingDetails(
                count, firstSeen, lastSeen, resourceGroups, resourceTypes, unprotectedResources,
                nsgRule, newRestore);
    }
}
