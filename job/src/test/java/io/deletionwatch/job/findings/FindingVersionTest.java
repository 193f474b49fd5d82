package io.deletionwatch.job.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.rules.NsgDeletedRule;
import io.deletionwatch.job.testing.CollectingParseOutput;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import org.junit.jupiter.api.Test;

/** {@code deletion_watch.version}: what lets the sink replace a stored finding by a later one. */
class FindingVersionTest {
    private static Finding nsgDeleted() {
        CollectingParseOutput out = new CollectingParseOutput();
        new ActivityLogParser()
                .parse(PipelineHarness.records(Op.delete(Ids.nsg("rg", "nsg-web")).rows()).get(1), out);
        ActivityEvent success = out.events.get(0);
        return NsgDeletedRule.finding(success);
    }

    @Test
    void shouldBeTheEvidenceCountForAFindingAsItsRuleMadeIt() {
        Finding finding = nsgDeleted();

        assertThat(finding.revision()).isZero();
        assertThat(FindingDocument.version(finding)).isEqualTo(1);
        assertThat(FindingDocument.toJson(finding).path("deletion_watch").path("version").asLong()).isEqualTo(1);
    }

    @Test
    void shouldGrowWithEachRevisionAndKeepItThroughEnrichmentAndAllowlist() {
        Finding revised = nsgDeleted().withRevision(2);

        assertThat(FindingDocument.version(revised)).isEqualTo(3);
        assertThat(FindingDocument.version(revised.allowlist())).isEqualTo(3);
        assertThat(FindingDocument.version(revised.withEnrichment(Enrichment.NONE))).isEqualTo(3);
        assertThat(FindingDocument.version(revised.withRestore(null, "; no earlier definition seen"))).isEqualTo(3);
        assertThat(FindingDocument.version(revised.withCaller(revised.caller(), revised.message()))).isEqualTo(3);
    }
}
