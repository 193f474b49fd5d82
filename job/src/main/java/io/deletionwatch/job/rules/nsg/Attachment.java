package io.deletionwatch.job.rules.nsg;

/**
 * What a body or an error says about one subnet or NIC: the NSG attached to it, or none.
 *
 * @param holderKey the subnet's or NIC's key (lower case)
 * @param holderId the subnet's or NIC's id as received
 * @param nsgId the attached NSG's id as received, or null when the body shows none
 */
public record Attachment(String holderKey, String holderId, String nsgId) {}
