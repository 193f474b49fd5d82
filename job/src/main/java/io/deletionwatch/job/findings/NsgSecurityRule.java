package io.deletionwatch.job.findings;

import java.util.List;

/**
 * One security rule of an NSG as its last successful write showed it, in the shape ARM takes it
 * back ({@code SecurityRulePropertiesFormat}). Application security groups are not kept.
 *
 * @param priority null when the body gave none or not a number
 * @param seen when the write that showed this rule happened (epoch milliseconds): a write older
 *     than that never overwrites it
 * @param removed a rule delete: kept (name and time only) so that an older write arriving later
 *     does not bring the rule back; never shown
 */
public record NsgSecurityRule(
        String name,
        Integer priority,
        String direction,
        String access,
        String protocol,
        List<String> sourceAddressPrefixes,
        List<String> sourcePortRanges,
        List<String> destinationAddressPrefixes,
        List<String> destinationPortRanges,
        String description,
        long seen,
        boolean removed) {

    /** The tombstone of a rule delete. */
    public static NsgSecurityRule removed(String name, long seen) {
        return new NsgSecurityRule(
                name, null, null, null, null, List.of(), List.of(), List.of(), List.of(), null, seen, true);
    }

    public NsgSecurityRule withoutDescription() {
        return new NsgSecurityRule(
                name, priority, direction, access, protocol, sourceAddressPrefixes, sourcePortRanges,
                destinationAddressPrefixes, destinationPortRanges, null, seen, removed);
    }

    /** "100 allow-https: Allow Inbound Tcp from Internet port * to * port 443". */
    public String summary() {
        return (priority == null ? "?" : priority.toString())
                + ' ' + name + ": " + access + ' ' + direction + ' ' + protocol
                + " from " + String.join(",", sourceAddressPrefixes)
                + " port " + String.join(",", sourcePortRanges)
                + " to " + String.join(",", destinationAddressPrefixes)
                + " port " + String.join(",", destinationPortRanges);
    }
}
