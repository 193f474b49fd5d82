package io.deletionwatch.job.rules.nsg;

import io.deletionwatch.job.findings.NsgSecurityRule;
import java.util.List;
import java.util.Map;

/**
 * What one successful write or delete says about an NSG's definition, parsed once from its body so
 * that state never holds raw bodies. Keyed by {@link #nsgKey}.
 *
 * @param time the event's time, epoch milliseconds
 * @param location for {@link Kind#NSG_WRITTEN}; null when the body has none
 * @param rules for {@link Kind#NSG_WRITTEN}: every rule the body lists; for {@link
 *     Kind#RULE_WRITTEN}: the one rule; for {@link Kind#RULE_DELETED}: its tombstone
 * @param subnets subnets the body says the NSG is attached to
 * @param networkInterfaces likewise, NICs
 */
public record NsgDefinitionChange(
        Kind kind,
        String nsgKey,
        String nsgId,
        long time,
        String correlationId,
        String location,
        Map<String, String> tags,
        List<NsgSecurityRule> rules,
        List<String> subnets,
        List<String> networkInterfaces) {

    public enum Kind {
        /** A successful NSG PUT: its whole definition. */
        NSG_WRITTEN,
        /** A successful security rule PUT. */
        RULE_WRITTEN,
        /** A successful security rule delete. */
        RULE_DELETED,
        /** A subnet or NIC write that leaves this NSG attached. */
        ATTACHED,
        /** The NSG was deleted. */
        DELETED
    }
}
