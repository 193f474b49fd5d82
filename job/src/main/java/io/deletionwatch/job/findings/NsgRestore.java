package io.deletionwatch.job.findings;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a deleted NSG was, as far as its successful writes showed it, and how to put it back:
 * {@code deletion_watch.restore.*} of the NSG deletion findings.
 *
 * @param nsgId the NSG's id as received
 * @param lastSeen when the newest write that shaped this definition happened
 * @param lastSeenCorrelationId that write's correlation id
 * @param location null when no NSG write showed it (only rule writes were seen)
 * @param securityRules the rules, by priority; default rules are Azure's and never kept
 * @param subnets the subnets it was attached to, as far as known
 * @param networkInterfaces the NICs it was attached to, as far as known
 * @param truncated the definition was over the state cap: tags, descriptions, associations and
 *     then the lowest-priority rules were dropped, in that order
 */
public record NsgRestore(
        String nsgId,
        Instant lastSeen,
        String lastSeenCorrelationId,
        String location,
        Map<String, String> tags,
        List<NsgSecurityRule> securityRules,
        List<String> subnets,
        List<String> networkInterfaces,
        boolean truncated) {}
