package io.deletionwatch.job.enrichment;

import io.deletionwatch.job.findings.Finding;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * What every finding goes through once, whichever rule made it: enrichment from the lookup file,
 * then the allowlist (reported, one severity step lower, tagged).
 */
public final class FindingPolicy implements MapFunction<Finding, Finding> {
    private static final long serialVersionUID = 1L;

    private final Allowlist allowlist;
    private final EnrichmentTable enrichment;

    public FindingPolicy(Allowlist allowlist, EnrichmentTable enrichment) {
        this.allowlist = allowlist;
        this.enrichment = enrichment;
    }

    @Override
    public Finding map(Finding finding) {
        Finding enriched = finding.withEnrichment(enrichment.lookup(finding));
        return allowlist.matches(enriched.caller()) && !enriched.allowlisted()
                ? enriched.allowlist()
                : enriched;
    }
}
