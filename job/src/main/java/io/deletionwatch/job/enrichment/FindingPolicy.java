package io.deletionwatch.job.enrichment;

import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.findings.Finding;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * What every finding goes through once, whichever rule made it: enrichment from the lookup file
 * (with the name of a known principal in {@code user.name} and the sentence, its GUID kept in
 * {@code user.id}), then the allowlist (reported, one severity step lower, tagged).
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
        Finding enriched = named(finding.withEnrichment(enrichment.lookup(finding)));
        return allowlist.matches(enriched.caller()) && !enriched.allowlisted()
                ? enriched.allowlist()
                : enriched;
    }

    /** A caller the lookup file names, e.g. {@code terraform-prod} for a service principal's GUIDs. */
    private Finding named(Finding finding) {
        Caller caller = finding.caller();
        return enrichment
                .principal(caller)
                .map(
                        principal -> {
                            // Rules write the caller as its display name (the app id or object id
                            // of an unnamed principal); the sentence says the name instead.
                            String shown = caller.displayName();
                            String message = finding.message().replace(shown, principal.name());
                            return finding.withCaller(caller.withName(principal.name()), message);
                        })
                .orElse(finding);
    }
}
