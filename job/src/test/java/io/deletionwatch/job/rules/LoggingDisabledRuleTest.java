package io.deletionwatch.job.rules;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.Severity;
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

class LoggingDisabledRuleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String RULE = "logging-disabled";

    private static List<Finding> findings(List<ActivityRecords> rows) throws Exception {
        return PipelineHarness.run(DetectionConfig.defaults(), rows).of(RULE);
    }

    @Test
    void shouldReportEveryKindOfLoggingDeletionAsHigh() throws Exception {
        String nsgDiagnostics = Ids.diagnosticSetting(Ids.nsg("rg-prod", "nsg-web"), "to-sentinel");
        String activityLogExport = Ids.subscriptionDiagnosticSetting("activity-to-eventhub");
        String logProfile = Ids.logProfile("default");
        String workspace = Ids.workspace("rg-sec", "law-sentinel");
        String watcher = Ids.networkWatcher("NetworkWatcherRG", "NetworkWatcher_westeurope");
        String flowLog = Ids.flowLog("NetworkWatcherRG", "NetworkWatcher_westeurope", "nsg-web-flowlog");

        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.delete(nsgDiagnostics).at(minute(1)),
                                Op.delete(activityLogExport).at(minute(2)),
                                Op.delete(logProfile).at(minute(3)),
                                Op.delete(workspace).at(minute(4)).phases("Start", "Accept"),
                                Op.delete(watcher).at(minute(5)).phases("Start", "Accept", "Success"),
                                Op.delete(flowLog).at(minute(6))));

        assertThat(findings)
                .extracting(f -> f.resource().id(), Finding::severity, f -> f.caller().name())
                .containsExactly(
                        tuple(nsgDiagnostics, Severity.HIGH, ActivityRecords.ALICE),
                        tuple(activityLogExport, Severity.HIGH, ActivityRecords.ALICE),
                        tuple(logProfile, Severity.HIGH, ActivityRecords.ALICE),
                        tuple(workspace, Severity.HIGH, ActivityRecords.ALICE),
                        tuple(watcher, Severity.HIGH, ActivityRecords.ALICE),
                        tuple(flowLog, Severity.HIGH, ActivityRecords.ALICE));
        assertThat(findings.get(3).message())
                .isEqualTo(
                        "alice@contoso.com deleted Log Analytics workspace law-sentinel in resource"
                                + " group rg-sec (subscription "
                                + ActivityRecords.SUBSCRIPTION
                                + ")");
        assertThat(findings.get(0).rule().techniques()).extracting(t -> t.id()).containsExactly("T1562.008");
        assertThat(findings.get(0).rule().insiderThreatMatrix()).containsExactly("IF014.005");
    }

    @Test
    void shouldReportOneFindingPerOperationWhateverItsPhasesAndDuplicates() throws Exception {
        String setting = Ids.subscriptionDiagnosticSetting("activity-to-eventhub");
        List<ActivityRecords> rows = new ArrayList<>();
        rows.addAll(Op.delete(setting).at(minute(1)).phases("Start", "Accept", "Success").rows());
        rows.addAll(Op.delete(setting).at(minute(1)).phases("Success").rows());

        assertThat(findings(rows)).hasSize(1);
    }

    @Test
    void shouldMatchOperationNamesInAnyCaseAndServicePrincipals() throws Exception {
        String setting = Ids.subscriptionDiagnosticSetting("activity-to-eventhub");
        List<Finding> findings =
                findings(
                        Op.of("MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE", setting.toUpperCase())
                                .by(TestCaller.TERRAFORM)
                                .at(minute(1))
                                .rows());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.caller().appId()).isEqualTo(TestCaller.TERRAFORM.appId());
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void shouldIgnoreFailedDeletesAndWritesOfLoggingSettings() throws Exception {
        String setting = Ids.subscriptionDiagnosticSetting("activity-to-eventhub");
        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.delete(setting).at(minute(1)).failing("{\"error\":{\"code\":\"AuthorizationFailed\"}}"),
                                Op.write(setting).at(minute(2)),
                                Op.write(Ids.workspace("rg-sec", "law-sentinel")).at(minute(3))));

        assertThat(findings).isEmpty();
    }
}
