package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.events.ResourceId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OperationDeduplicatorTest {
    private static final String VM =
            "/subscriptions/6a3c1d2e-0000-4000-8000-00000000abcd/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-1";

    private static ActivityEvent row(String correlationId, String resource, String phase, Outcome outcome) {
        return new ActivityEvent(
                Instant.parse("2026-03-01T10:00:00Z"), "microsoft.compute/virtualmachines/delete",
                "MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE", phase, null, outcome,
                ResourceId.parse(resource), Caller.NONE, null, correlationId, "Administrative",
                null, null, null, null, null);
    }

    @Test
    void rowsOfOneOperationAndOutcomeShareAShortKeyAndOthersDoNot() {
        String accept = OperationDeduplicator.key(row("corr-1", VM, "Accept", Outcome.SUCCESS));
        String success = OperationDeduplicator.key(row("corr-1", VM, "Success", Outcome.SUCCESS));

        assertThat(accept).isEqualTo(success).hasSize(22);
        assertThat(OperationDeduplicator.key(row("corr-1", VM.toUpperCase(), "Success", Outcome.SUCCESS)))
                .as("resource ids are case-insensitive")
                .isEqualTo(accept);
        assertThat(OperationDeduplicator.key(row("corr-1", VM, "Failure", Outcome.FAILURE))).isNotEqualTo(accept);
        assertThat(OperationDeduplicator.key(row("corr-2", VM, "Success", Outcome.SUCCESS))).isNotEqualTo(accept);
        assertThat(OperationDeduplicator.key(row("corr-1", VM + "x", "Success", Outcome.SUCCESS))).isNotEqualTo(accept);
    }
}
