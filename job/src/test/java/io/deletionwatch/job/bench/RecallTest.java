package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.bench.ActivityLogGenerator.ExpectedFinding;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecallTest {
    private final ExpectedFinding deleted = new ExpectedFinding("nsg-deleted", "/subscriptions/s/nsg-1", 3, 0);
    private final ExpectedFinding burst = new ExpectedFinding("mass-deletion", "bad00001", 9, 0);
    private final Recall recall = new Recall(List.of(deleted, burst));

    @Test
    void matchesResourceRulesByResourceAndCallerRulesByCaller() {
        assertThat(recall.observe("nsg-deleted", "/SUBSCRIPTIONS/S/NSG-1", "someone", "id-1")).isEqualTo(deleted);
        assertThat(recall.observe("mass-deletion", null, "BAD00001", "id-2")).isEqualTo(burst);
        assertThat(recall.result()).isEqualTo(new Recall.Result(2, 2, 0, 0, 0));
        assertThat(recall.result().complete()).isTrue();
    }

    @Test
    void laterVersionsOfOneFindingCountOnceButASecondIdIsADuplicate() {
        recall.observe("mass-deletion", null, "bad00001", "id-2");
        assertThat(recall.observe("mass-deletion", null, "bad00001", "id-2")).isNull();
        assertThat(recall.result()).isEqualTo(new Recall.Result(2, 1, 1, 0, 0));
        recall.observe("mass-deletion", null, "bad00001", "id-3");
        assertThat(recall.result()).isEqualTo(new Recall.Result(2, 0, 1, 1, 0));
    }

    @Test
    void countsFindingsForNoInjectedIncident() {
        recall.observe("nsg-deleted", "/subscriptions/s/nsg-2", "someone", "id-9");
        recall.observe("logging-disabled", "/subscriptions/s/nsg-1", "someone", "id-10");
        assertThat(recall.result()).isEqualTo(new Recall.Result(2, 0, 2, 0, 2));
        assertThat(recall.result().complete()).isFalse();
    }
}
