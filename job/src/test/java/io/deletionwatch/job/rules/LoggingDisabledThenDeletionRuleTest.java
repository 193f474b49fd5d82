package io.deletionwatch.job.rules;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Evidence;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.pipeline.LateEvents;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import io.deletionwatch.job.testing.TestCaller;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoggingDisabledThenDeletionRuleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String RULE = "logging-disabled-then-deletion";
    private static final String EXPORT = Ids.subscriptionDiagnosticSetting("activity-to-eventhub");
    private static final String VM = Ids.vm("rg-prod", "vm-db-1");
    private static final String STORAGE = Ids.storage("rg-prod", "stproddata");

    private static PipelineHarness.Result run(List<ActivityRecords> rows) throws Exception {
        return PipelineHarness.run(DetectionConfig.defaults(), rows);
    }

    @Test
    void shouldReportADeletionAfterTheSameCallerSwitchedLoggingOff() throws Exception {
        List<Finding> findings =
                run(Op.rows(Op.delete(EXPORT).at(minute(0)), Op.delete(VM).at(minute(30)))).of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.caller().name()).isEqualTo(ActivityRecords.ALICE);
            assertThat(f.resource().id()).isEqualTo(VM);
            assertThat(f.time()).isEqualTo(minute(30));
            assertThat(f.evidence()).extracting(Evidence::resourceId).containsExactly(EXPORT, VM);
            assertThat(f.rule().insiderThreatMatrix()).containsExactly("IF014.005", "AF018.002");
            assertThat(f.rule().techniques()).extracting(t -> t.id()).containsExactly("T1562.008", "T1485");
            assertThat(f.message())
                    .isEqualTo(
                            "alice@contoso.com deleted virtual machine vm-db-1 in resource group"
                                    + " rg-prod (subscription " + ActivityRecords.SUBSCRIPTION + ") 30"
                                    + " minutes after deleting diagnostic setting activity-to-eventhub,"
                                    + " which switched logging off");
        });
    }

    @Test
    void shouldReportADeletionJustInsideTheWindowButNotOneAtItsEnd() throws Exception {
        List<Finding> inside =
                run(Op.rows(Op.delete(EXPORT).at(minute(0)), Op.delete(VM).at(minute(59, 59)))).of(RULE);
        List<Finding> outside =
                run(Op.rows(Op.delete(EXPORT).at(minute(0)), Op.delete(VM).at(minute(60)))).of(RULE);

        assertThat(inside).hasSize(1);
        assertThat(outside).isEmpty();
    }

    @Test
    void shouldNotReportDeletionsByAnotherCallerOrBeforeLoggingWasSwitchedOff() throws Exception {
        List<Finding> findings =
                run(
                        Op.rows(
                                Op.delete(STORAGE).at(minute(0)),
                                Op.delete(EXPORT).at(minute(5)),
                                Op.delete(VM).by(TestCaller.BOB).at(minute(10))))
                        .of(RULE);

        assertThat(findings).isEmpty();
    }

    @Test
    void shouldReportOneIncidentForSeveralLogsSwitchedOffAndSeveralDeletions() throws Exception {
        PipelineHarness.Result result =
                run(
                        Op.rows(
                                Op.delete(EXPORT).at(minute(0)),
                                Op.delete(Ids.logProfile("default")).at(minute(1)),
                                Op.delete(VM).at(minute(10)),
                                Op.delete(STORAGE).at(minute(11)),
                                Op.delete(Ids.disk("rg-prod", "vm-db-1-os")).at(minute(12))));

        assertThat(result.of(RULE)).singleElement().satisfies(f -> {
            assertThat(f.resource().id()).isEqualTo(VM);
            assertThat(f.evidence()).extracting(Evidence::resourceId).containsExactly(EXPORT, VM);
        });
        assertThat(result.of("logging-disabled")).hasSize(2);
    }

    @Test
    void shouldNotCountDeletingMoreLoggingAsTheDeletion() throws Exception {
        PipelineHarness.Result result =
                run(
                        Op.rows(
                                Op.delete(EXPORT).at(minute(0)),
                                Op.delete(Ids.workspace("rg-sec", "law-sentinel")).at(minute(5))));

        assertThat(result.of(RULE)).isEmpty();
        assertThat(result.of("logging-disabled")).hasSize(2);
    }

    @Test
    void shouldReportServicePrincipalsAsyncDeletesAndAnyCase() throws Exception {
        List<Finding> findings =
                run(
                        Op.rows(
                                Op.of("MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE", EXPORT.toUpperCase())
                                        .by(TestCaller.TERRAFORM)
                                        .at(minute(0)),
                                Op.delete(VM).by(TestCaller.TERRAFORM).at(minute(3)).phases("Start", "Accept", "Success")))
                        .of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.caller().id()).isEqualTo(TestCaller.TERRAFORM.objectId());
            assertThat(f.time()).isEqualTo(minute(3)); // Accept completes an async delete
        });
    }

    @Test
    void shouldReportASequenceWhoseRowsArriveOutOfOrderWithinTheAllowance() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>(Op.delete(VM).at(minute(4)).rows());
        rows.addAll(Op.delete(EXPORT).at(minute(0)).rows()); // 4 minutes behind, allowance 5

        assertThat(run(rows).of(RULE)).hasSize(1);
    }

    @Test
    void shouldDeadLetterALoggingDeletionLaterThanTheAllowanceInsteadOfDroppingIt() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>(Op.delete(VM).at(minute(20)).rows());
        rows.addAll(Op.delete(EXPORT).at(minute(0)).rows()); // 20 minutes behind

        PipelineHarness.Result result = run(rows);

        assertThat(result.of(RULE)).isEmpty();
        assertThat(result.of("logging-disabled")).hasSize(1); // single-event rules still see it
        assertThat(result.deadLetters(LateEvents.REASON)).singleElement().satisfies(d -> {
            assertThat(d.stage()).isEqualTo("detect");
            assertThat(d.detail())
                    .startsWith("event at " + minute(0) + " arrived after event time had reached")
                    .contains("logging-disabled-then-deletion");
            assertThat(new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("\"resourceId\":\"" + EXPORT + "\"");
        });
    }
}
