package io.deletionwatch.job.findings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FindingIdsTest {
    @Test
    void shouldGiveTheSameIncidentTheSameIdWhateverTheCase() {
        assertThat(FindingIds.of("nsg-deleted", "C1", "/SUBSCRIPTIONS/S/X", "OP"))
                .isEqualTo(FindingIds.of("nsg-deleted", "c1", "/subscriptions/s/x", "op"))
                .hasSize(64)
                .matches("[0-9a-f]{64}");
    }

    @Test
    void shouldGiveDifferentRulesAndIncidentsDifferentIds() {
        String id = FindingIds.of("nsg-deleted", "c1", "r");
        assertThat(FindingIds.of("mass-deletion", "c1", "r")).isNotEqualTo(id);
        assertThat(FindingIds.of("nsg-deleted", "c2", "r")).isNotEqualTo(id);
        // Part boundaries matter: ("ab","c") is not ("a","bc").
        assertThat(FindingIds.of("x", "ab", "c")).isNotEqualTo(FindingIds.of("x", "a", "bc"));
    }
}
