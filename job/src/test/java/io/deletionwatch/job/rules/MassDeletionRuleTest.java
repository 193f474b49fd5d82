package io.deletionwatch.job.rules;

import static io.deletionwatch.job.testing.Times.hour;
import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import io.deletionwatch.job.testing.TestCaller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MassDeletionRuleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String RULE = "mass-deletion";

    private static PipelineHarness.Result run(List<ActivityRecords> rows) throws Exception {
        return PipelineHarness.run(DetectionConfig.defaults(), rows);
    }

    /** {@code count} VM deletions by {@code who}, {@code spacing} apart from {@code start}. */
    private static List<Op> vmDeletions(TestCaller who, int count, Instant start, Duration spacing) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(Op.delete(Ids.vm("rg-app", "vm-" + who.displayName().charAt(0) + i)).by(who).at(start.plus(spacing.multipliedBy(i))));
        }
        return ops;
    }

    private static List<ActivityRecords> rows(List<Op> ops) {
        return Op.rows(ops.toArray(Op[]::new));
    }

    @Test
    void shouldReportTenDistinctDeletionsByOneCallerWithinTenMinutesAsOneHighFinding() throws Exception {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ops.add(Op.delete(Ids.vm("rg-app", "vm-" + i)).at(minute(i)));
        }
        for (int i = 0; i < 4; i++) {
            ops.add(Op.delete(Ids.storage("rg-data", "stdata" + i)).at(minute(6, 30 * i)));
        }

        List<Finding> findings = run(rows(ops)).of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.caller().name()).isEqualTo(ActivityRecords.ALICE);
            assertThat(f.caller().id()).isEqualTo(ActivityRecords.ALICE_OID);
            assertThat(f.resource()).isNull();
            assertThat(f.time()).isEqualTo(minute(7, 30));
            assertThat(f.details().count()).isEqualTo(10L);
            assertThat(f.details().firstSeen()).isEqualTo(minute(0));
            assertThat(f.details().lastSeen()).isEqualTo(minute(7, 30));
            assertThat(f.details().resourceGroups()).containsExactly("rg-app", "rg-data");
            assertThat(f.details().resourceTypes())
                    .isEqualTo(Map.of("microsoft.compute/virtualmachines", 6L, "microsoft.storage/storageaccounts", 4L));
            assertThat(f.evidence()).hasSize(10);
            assertThat(f.id()).isEqualTo(FindingIds.of(RULE, ActivityRecords.ALICE_OID, minute(0).toString()));
            assertThat(f.message())
                    .isEqualTo(
                            "alice@contoso.com deleted 10 resources in 7 minutes (6"
                                    + " microsoft.compute/virtualmachines, 4"
                                    + " microsoft.storage/storageaccounts) in resource groups rg-app, rg-data");
            assertThat(f.rule().techniques()).extracting(t -> t.id()).containsExactly("T1485");
        });
    }

    @Test
    void shouldNotReportNineDeletions() throws Exception {
        assertThat(run(rows(vmDeletions(TestCaller.ALICE, 9, minute(0), Duration.ofSeconds(30)))).of(RULE)).isEmpty();
    }

    @Test
    void shouldReportTenDeletionsJustInsideTheWindowButNotTenThatSpanAllOfIt() throws Exception {
        // 10 deletions, 65 s apart: 9:45 from first to last. 67 s apart: 10:03.
        List<Finding> inside = run(rows(vmDeletions(TestCaller.ALICE, 10, minute(0), Duration.ofSeconds(65)))).of(RULE);
        List<Finding> exactly = run(rows(vmDeletions(TestCaller.ALICE, 10, minute(0), Duration.ofMillis(66_667)))).of(RULE);
        List<Finding> outside = run(rows(vmDeletions(TestCaller.ALICE, 10, minute(0), Duration.ofSeconds(67)))).of(RULE);

        assertThat(inside).hasSize(1);
        assertThat(exactly).isEmpty(); // 10:00.003 from first to last
        assertThat(outside).isEmpty();
    }

    @Test
    void shouldCountEachResourceOnceWhateverItsPhasesDuplicatesAndCase() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String vm = Ids.vm("rg-app", "vm-" + i);
            rows.addAll(Op.delete(vm).at(minute(i)).phases("Start", "Accept", "Success").rows());
            rows.addAll(Op.delete(vm).at(minute(i)).phases("Accept").rows()); // a second export
            // the same VM again under another correlation id, its id upper-cased
            rows.addAll(Op.delete(vm.toUpperCase()).at(minute(i, 10)).correlation("retry-" + i).rows());
        }

        assertThat(run(rows).of(RULE)).isEmpty();
    }

    @Test
    void shouldNotCountAResourceDeletedAgainAndAgain() throws Exception {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ops.add(Op.delete(Ids.group("rg-ci-ephemeral")).at(minute(0, 25 * i)));
        }

        assertThat(run(rows(ops)).of(RULE)).isEmpty();
    }

    @Test
    void shouldNotCountFailedDeletes() throws Exception {
        List<Op> ops = vmDeletions(TestCaller.ALICE, 9, minute(0), Duration.ofSeconds(30));
        ops.add(Op.delete(Ids.keyVault("rg-app", "kv-app")).at(minute(6)).failing("{\"error\":{\"code\":\"Conflict\"}}"));

        assertThat(run(rows(ops)).of(RULE)).isEmpty();
    }

    @Test
    void shouldUpdateTheSameFindingWhenTheBurstGrows() throws Exception {
        List<Finding> versions =
                run(rows(vmDeletions(TestCaller.ALICE, 14, minute(0), Duration.ofSeconds(30)))).of(RULE);

        assertThat(versions).hasSize(2);
        assertThat(versions).extracting(Finding::id).containsOnly(versions.get(0).id());
        assertThat(versions).extracting(f -> f.details().count()).containsExactly(10L, 14L);
        assertThat(versions).extracting(Finding::severity).containsOnly(Severity.HIGH);
        assertThat(versions.get(1).details().lastSeen()).isEqualTo(minute(6, 30));
    }

    @Test
    void shouldTurnCriticalAtThreeTimesTheThresholdUnderTheSameId() throws Exception {
        List<Finding> versions =
                run(rows(vmDeletions(TestCaller.ALICE, 33, minute(0), Duration.ofSeconds(15)))).of(RULE);

        assertThat(versions).extracting(f -> f.details().count(), Finding::severity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(10L, Severity.HIGH),
                        org.assertj.core.groups.Tuple.tuple(30L, Severity.CRITICAL),
                        org.assertj.core.groups.Tuple.tuple(33L, Severity.CRITICAL));
        assertThat(versions).extracting(Finding::id).containsOnly(versions.get(0).id());
    }

    @Test
    void shouldKeepOneBurstGoingAcrossChunksAndOpenANewOneAfterAQuietWindow() throws Exception {
        List<Op> ops = new ArrayList<>(vmDeletions(TestCaller.ALICE, 12, minute(0), Duration.ofSeconds(40)));
        // 9 more, starting 9 minutes after the last one: still the same burst
        for (int i = 0; i < 9; i++) {
            ops.add(Op.delete(Ids.disk("rg-app", "disk-" + i)).at(minute(16, 20 + 20 * i)));
        }
        // two hours later, a second burst
        ops.addAll(vmDeletionsNamed("later", 10, hour(3)));

        PipelineHarness.Result result = run(rows(ops));

        List<Finding> incidents = result.incidents(RULE);
        assertThat(incidents).hasSize(2);
        assertThat(incidents.get(0).details().count()).isEqualTo(21L);
        assertThat(incidents.get(0).details().firstSeen()).isEqualTo(minute(0));
        assertThat(incidents.get(1).details().count()).isEqualTo(10L);
        assertThat(incidents.get(1).details().firstSeen()).isEqualTo(hour(3));
        assertThat(incidents.get(0).id()).isNotEqualTo(incidents.get(1).id());
    }

    private static List<Op> vmDeletionsNamed(String prefix, int count, Instant start) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(Op.delete(Ids.vm("rg-other", prefix + i)).at(start.plusSeconds(20L * i)));
        }
        return ops;
    }

    @Test
    void shouldKeepCallersApart() throws Exception {
        List<Op> ops = new ArrayList<>(vmDeletions(TestCaller.ALICE, 5, minute(0), Duration.ofSeconds(30)));
        ops.addAll(vmDeletions(TestCaller.BOB, 5, minute(0, 15), Duration.ofSeconds(30)));

        assertThat(run(rows(ops)).of(RULE)).isEmpty();
    }

    @Test
    void shouldReportServicePrincipalsLikeUsers() throws Exception {
        List<Finding> findings =
                run(rows(vmDeletions(TestCaller.TERRAFORM, 10, minute(0), Duration.ofSeconds(10)))).of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.caller().id()).isEqualTo(TestCaller.TERRAFORM.objectId());
            assertThat(f.caller().principalType()).isEqualTo("service_principal");
        });
    }

    @Test
    void shouldNotReportASlowCleanupByAnAutomation() throws Exception {
        assertThat(run(rows(vmDeletions(TestCaller.JANITOR, 60, minute(0), Duration.ofSeconds(70)))).of(RULE)).isEmpty();
    }

    @Test
    void shouldCountDeletionsThatArriveOutOfOrderWithinTheAllowance() throws Exception {
        List<ActivityRecords> rows = rows(vmDeletions(TestCaller.ALICE, 10, minute(0), Duration.ofSeconds(20)));
        // reverse pairs of operations: each arrives at most 20 s behind its successor
        List<List<ActivityRecords>> byOp = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 2) {
            byOp.add(rows.subList(i, i + 2));
        }
        for (int i = 0; i + 1 < byOp.size(); i += 2) {
            Collections.swap(byOp, i, i + 1);
        }
        List<ActivityRecords> shuffled = new ArrayList<>();
        byOp.forEach(shuffled::addAll);

        List<Finding> findings = run(shuffled).of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.details().count()).isEqualTo(10L);
            assertThat(f.details().firstSeen()).isEqualTo(minute(0));
        });
    }
}
