package io.deletionwatch.job.findings;

/** The security rule an NSG rule change wrote, from its request body where present. */
public record NsgRuleChange(
        String name,
        String access,
        String direction,
        String protocol,
        String source,
        String destinationPorts,
        boolean opensInboundFromAny) {}
