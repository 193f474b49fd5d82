package io.deletionwatch.job.pipeline;

import static io.deletionwatch.job.testing.Times.hour;
import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.enrichment.Allowlist;
import io.deletionwatch.job.enrichment.EnrichmentTable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.BenignTraffic;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import io.deletionwatch.job.testing.TestBodies;
import io.deletionwatch.job.testing.TestCaller;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What holds for every rule: allowlist, enrichment, keying at parallelism 2, a quiet benign day. */
class DetectionPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");

    @Test
    void shouldStillReportAllowlistedCallersOneStepLowerAndTagged() throws Exception {
        DetectionConfig config =
                DetectionConfig.defaults()
                        .withAllowlist(
                                Allowlist.of(List.of(TestCaller.TERRAFORM.appId().toUpperCase(), "Alice@Contoso.com")));
        List<ActivityRecords> rows =
                Op.rows(
                        Op.delete(NSG).by(TestCaller.TERRAFORM).at(minute(1)),
                        Op.delete(Ids.nsg("rg-prod", "nsg-api")).by(TestCaller.ALICE).at(minute(2)),
                        Op.delete(Ids.nsg("rg-prod", "nsg-data")).by(TestCaller.BOB).at(minute(3)));

        List<Finding> findings = PipelineHarness.run(config, rows).of("nsg-deleted");

        assertThat(findings.stream().sorted(Comparator.comparing(Finding::time)).toList())
                .extracting(f -> f.caller().displayName(), Finding::severity, Finding::allowlisted)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(TestCaller.TERRAFORM.appId(), Severity.MEDIUM, true),
                        org.assertj.core.groups.Tuple.tuple(ActivityRecords.ALICE, Severity.MEDIUM, true),
                        org.assertj.core.groups.Tuple.tuple("bob@contoso.com", Severity.HIGH, false));
    }

    @Test
    void shouldLowerAnAllowlistedCriticalFindingToHigh() throws Exception {
        DetectionConfig config =
                DetectionConfig.defaults().withAllowlist(Allowlist.of(List.of(TestCaller.TERRAFORM.objectId())));
        String subnet = Ids.subnet("rg-prod", "vnet-prod", "web");
        List<ActivityRecords> rows =
                Op.rows(
                        Op.write(subnet).by(TestCaller.TERRAFORM).at(minute(0)).request(TestBodies.subnet("web", NSG)),
                        Op.write(subnet).by(TestCaller.TERRAFORM).at(minute(5)).request(TestBodies.subnet("web", null)),
                        Op.delete(NSG).by(TestCaller.TERRAFORM).at(minute(6)));

        List<Finding> findings = PipelineHarness.run(config, rows).of("nsg-disassociated-then-deleted");

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.allowlisted()).isTrue();
        });
    }

    @Test
    void shouldEnrichEveryFindingWithTheSubscriptionAndTheResourcesCriticality() throws Exception {
        EnrichmentTable table =
                new EnrichmentTable(
                        Map.of(
                                ActivityRecords.SUBSCRIPTION.toUpperCase(),
                                new EnrichmentTable.Subscription(ActivityRecords.SUBSCRIPTION, "Production", "prod", "netops")),
                        List.of(
                                new EnrichmentTable.Criticality(Ids.group("rg-prod"), "high"),
                                new EnrichmentTable.Criticality(Ids.group("rg-app").toUpperCase(), "critical")));
        DetectionConfig config = DetectionConfig.defaults().withEnrichment(table);
        List<Op> ops = new ArrayList<>();
        ops.add(Op.delete(NSG).at(minute(1)));
        for (int i = 0; i < 10; i++) {
            ops.add(Op.delete(Ids.vm(i < 5 ? "rg-app" : "rg-test", "vm-" + i)).by(TestCaller.BOB).at(minute(2, 10 * i)));
        }

        PipelineHarness.Result result = PipelineHarness.run(config, Op.rows(ops.toArray(Op[]::new)));

        assertThat(result.of("nsg-deleted")).singleElement().satisfies(f -> {
            assertThat(f.enrichment().accountName()).isEqualTo("Production");
            assertThat(f.enrichment().labels())
                    .isEqualTo(Map.of("environment", "prod", "owner", "netops", "criticality", "high"));
        });
        // a burst has no primary resource: the most critical of its resources counts
        assertThat(result.incidents("mass-deletion")).singleElement().satisfies(f ->
                assertThat(f.enrichment().labels()).containsEntry("criticality", "critical"));
    }

    @Test
    void shouldNameAServicePrincipalTheEnrichmentFileKnowsInUserNameAndTheMessage() throws Exception {
        EnrichmentTable table =
                new EnrichmentTable(
                        Map.of(),
                        List.of(),
                        Map.of(
                                TestCaller.TERRAFORM.objectId(),
                                new EnrichmentTable.Principal(
                                        TestCaller.TERRAFORM.objectId(), "terraform-prod", "platform-team", "terraform")));
        DetectionConfig config = DetectionConfig.defaults().withEnrichment(table);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ops.add(Op.delete(Ids.vm("rg-app", "vm-" + i)).by(TestCaller.TERRAFORM).at(minute(2, 10 * i)));
        }
        ops.add(Op.delete(NSG).by(TestCaller.JANITOR).at(minute(5))); // not in the file

        PipelineHarness.Result result = PipelineHarness.run(config, Op.rows(ops.toArray(Op[]::new)));

        assertThat(result.incidents("mass-deletion")).singleElement().satisfies(f -> {
            assertThat(f.caller().name()).isEqualTo("terraform-prod");
            assertThat(f.caller().id()).isEqualTo(TestCaller.TERRAFORM.objectId());
            assertThat(f.caller().appId()).isEqualTo(TestCaller.TERRAFORM.appId());
            assertThat(f.message()).startsWith("terraform-prod deleted 10 resources ");
            assertThat(f.message()).doesNotContain(TestCaller.TERRAFORM.appId());
            assertThat(f.enrichment().labels())
                    .isEqualTo(Map.of("principal_owner", "platform-team", "principal_kind", "terraform"));
            ObjectNode doc = FindingDocument.toJson(f);
            assertThat(doc.at("/user/name").asText()).isEqualTo("terraform-prod");
            assertThat(doc.at("/user/id").asText()).isEqualTo(TestCaller.TERRAFORM.objectId());
            assertThat(doc.at("/labels/principal_owner").asText()).isEqualTo("platform-team");
        });
        assertThat(result.of("nsg-deleted")).singleElement().satisfies(f -> {
            assertThat(f.caller().name()).isEqualTo(TestCaller.JANITOR.appId());
            assertThat(f.message()).startsWith(TestCaller.JANITOR.appId() + " deleted ");
        });
    }

    @Test
    void shouldFindTheSameIncidentsAtParallelismTwo() throws Exception {
        String subnet = Ids.subnet("rg-prod", "vnet-prod", "web");
        List<Op> ops = new ArrayList<>();
        ops.add(Op.write(subnet).at(minute(0)).request(TestBodies.subnet("web", NSG)));
        ops.add(Op.write(subnet).at(minute(5)).request(TestBodies.subnet("web", null)));
        ops.add(Op.delete(NSG).at(minute(6)));
        ops.add(Op.delete(Ids.subscriptionDiagnosticSetting("export")).by(TestCaller.CAROL).at(minute(7)));
        for (int i = 0; i < 10; i++) {
            ops.add(Op.delete(Ids.vm("rg-app", "vm-" + i)).by(TestCaller.CAROL).at(minute(8, 10 * i)));
        }
        List<KafkaRecord> records = PipelineHarness.records(Op.rows(ops.toArray(Op[]::new)));
        DetectionConfig config = DetectionConfig.defaults();

        PipelineHarness.Result result = PipelineHarness.runRecords(config, Rules.all(config), records, 2);

        assertThat(result.incidents("nsg-deleted")).hasSize(1);
        assertThat(result.incidents("nsg-disassociated-then-deleted")).hasSize(1);
        assertThat(result.incidents("logging-disabled")).hasSize(1);
        assertThat(result.incidents("logging-disabled-then-deletion")).hasSize(1);
        // the diagnostic setting and the 10 VMs
        assertThat(result.incidents("mass-deletion")).singleElement().satisfies(f ->
                assertThat(f.details().count()).isEqualTo(11L));
    }

    @Test
    void shouldFindNothingInABusyDayOfBenignActivity() throws Exception {
        BenignTraffic traffic = new BenignTraffic(20260301L);
        List<ActivityRecords> rows = traffic.rows(traffic.between(hour(0), hour(24)));

        PipelineHarness.Result result = PipelineHarness.run(DetectionConfig.defaults(), rows);

        assertThat(rows).hasSizeGreaterThan(2000);
        assertThat(result.findings()).isEmpty();
        assertThat(result.deadLetters()).isEmpty();
    }
}
