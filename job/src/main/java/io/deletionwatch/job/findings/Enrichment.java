package io.deletionwatch.job.findings;

import java.util.Map;

/**
 * What the lookup file says about a finding's subscription and resource.
 *
 * @param accountName the subscription's name ({@code cloud.account.name})
 * @param labels {@code labels.*}: environment, owner, criticality
 */
public record Enrichment(String accountName, Map<String, String> labels) {
    public static final Enrichment NONE = new Enrichment(null, Map.of());
}
