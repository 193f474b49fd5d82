package io.deletionwatch.job.rules;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.findings.NsgRuleChange;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import io.deletionwatch.job.testing.TestBodies;
import io.deletionwatch.job.testing.TestCaller;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NsgRuleChangedRuleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String RULE = "nsg-rule-changed";
    private static final String ALLOW_SSH = Ids.securityRule("rg-prod", "nsg-web", "allow-ssh");
    private static final String OPEN_SSH =
            TestBodies.securityRule("Allow", "Inbound", "Tcp", "*", "22", 100);

    private static List<Finding> findings(List<ActivityRecords> rows) throws Exception {
        return PipelineHarness.run(DetectionConfig.defaults(), rows).of(RULE);
    }

    @Test
    void shouldRateAnAllowRuleOpeningInboundFromAnySourceHigh() throws Exception {
        List<Finding> findings =
                findings(Op.write(ALLOW_SSH).at(minute(5)).created().request(OPEN_SSH).rows());

        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.caller().name()).isEqualTo(ActivityRecords.ALICE);
        assertThat(f.resource().id()).isEqualTo(ALLOW_SSH);
        assertThat(f.time()).isEqualTo(minute(5));
        assertThat(f.details().nsgRule())
                .isEqualTo(new NsgRuleChange("allow-ssh", "Allow", "Inbound", "Tcp", "*", "22", true));
        assertThat(f.message())
                .isEqualTo(
                        "alice@contoso.com created security rule allow-ssh in network security group"
                                + " nsg-web: Allow Inbound Tcp from * to port 22, which opens inbound"
                                + " access from any source in resource group rg-prod (subscription "
                                + ActivityRecords.SUBSCRIPTION
                                + ")");
        assertThat(f.rule().techniques()).extracting(t -> t.id()).containsExactly("T1562.007");
    }

    @Test
    void shouldRateEveryOtherRuleChangeMedium() throws Exception {
        String denyAll = Ids.securityRule("rg-prod", "nsg-web", "deny-all");
        String office = Ids.securityRule("rg-prod", "nsg-web", "allow-office");
        String egress = Ids.securityRule("rg-prod", "nsg-web", "allow-egress");
        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.write(denyAll)
                                        .at(minute(1))
                                        .request(TestBodies.securityRule("Deny", "Inbound", "*", "*", "*", 4096)),
                                Op.write(office)
                                        .at(minute(2))
                                        .request(
                                                TestBodies.securityRule(
                                                        "Allow", "Inbound", "Tcp", "198.51.100.0/24", "443", 200)),
                                Op.write(egress)
                                        .at(minute(3))
                                        .request(
                                                TestBodies.securityRule(
                                                        "Allow", "Outbound", "*", "*", "*", 300))));

        assertThat(findings)
                .extracting(f -> f.resource().id(), Finding::severity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(denyAll, Severity.MEDIUM),
                        org.assertj.core.groups.Tuple.tuple(office, Severity.MEDIUM),
                        org.assertj.core.groups.Tuple.tuple(egress, Severity.MEDIUM));
        assertThat(findings.get(0).message())
                .startsWith("alice@contoso.com changed security rule deny-all in network security group nsg-web: Deny Inbound * from * to port *");
    }

    @Test
    void shouldReportARuleDeletionOnceWhateverItsPhasesAndDuplicates() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>(Op.delete(ALLOW_SSH).at(minute(4)).phases("Start", "Accept", "Success").rows());
        rows.addAll(Op.delete(ALLOW_SSH).at(minute(4)).phases("Start", "Accept", "Success").rows()); // exported twice

        List<Finding> findings = findings(rows);

        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(findings.get(0).time()).isEqualTo(minute(4)); // the Accept row completes it
        assertThat(findings.get(0).details().nsgRule())
                .isEqualTo(new NsgRuleChange("allow-ssh", null, null, null, null, null, false));
        assertThat(findings.get(0).message())
                .startsWith("alice@contoso.com deleted security rule allow-ssh from network security group nsg-web");
    }

    @Test
    void shouldTakeTheRuleFromTheStartRowWhenTheSuccessRowHasNoBody() throws Exception {
        List<Finding> findings =
                findings(Op.write(ALLOW_SSH).at(minute(5)).request(OPEN_SSH).rows());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.details().nsgRule().destinationPorts()).isEqualTo("22");
        });
    }

    @Test
    void shouldTakeTheRuleFromTheSuccessRowsOwnBodies() throws Exception {
        List<Finding> fromRequest =
                findings(Op.write(ALLOW_SSH).at(minute(5)).request(OPEN_SSH).requestOnCompletion().rows());
        List<Finding> fromResponse =
                findings(Op.write(ALLOW_SSH).at(minute(5)).response(OPEN_SSH).rows());

        assertThat(fromRequest).singleElement().extracting(Finding::severity).isEqualTo(Severity.HIGH);
        assertThat(fromResponse).singleElement().extracting(Finding::severity).isEqualTo(Severity.HIGH);
    }

    @Test
    void shouldMatchOperationNamesAndIdsInAnyCase() throws Exception {
        List<ActivityRecords> rows =
                Op.of(
                                "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE",
                                ALLOW_SSH.toUpperCase())
                        .at(minute(5))
                        .request(OPEN_SSH)
                        .rows();

        assertThat(findings(rows)).singleElement().extracting(Finding::severity).isEqualTo(Severity.HIGH);
    }

    @Test
    void shouldReportServicePrincipalsLikeUsers() throws Exception {
        List<Finding> findings =
                findings(Op.write(ALLOW_SSH).at(minute(5)).by(TestCaller.TERRAFORM).request(OPEN_SSH).rows());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.caller().id()).isEqualTo(TestCaller.TERRAFORM.objectId());
            assertThat(f.caller().appId()).isEqualTo(TestCaller.TERRAFORM.appId());
            assertThat(f.caller().principalType()).isEqualTo("service_principal");
        });
    }

    @Test
    void shouldReportNothingForFailedRuleWritesOrNsgWrites() throws Exception {
        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.write(ALLOW_SSH).at(minute(5)).request(OPEN_SSH).failing("{\"error\":{\"code\":\"SecurityRuleConflict\"}}"),
                                Op.write(Ids.nsg("rg-prod", "nsg-web")).at(minute(6)).request("{\"properties\":{\"securityRules\":[]}}")));

        assertThat(findings).isEmpty();
    }

    @Test
    void shouldStillReportAChangeThatArrivesLaterThanTheAllowance() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>(Op.write(Ids.vm("rg-app", "vm-1")).at(minute(30)).rows());
        rows.addAll(Op.write(ALLOW_SSH).at(minute(5)).request(OPEN_SSH).rows());

        PipelineHarness.Result result = PipelineHarness.run(DetectionConfig.defaults(), rows);

        assertThat(result.of(RULE)).singleElement().extracting(Finding::severity).isEqualTo(Severity.HIGH);
        assertThat(result.deadLetters()).isEmpty();
    }

    @Test
    void shouldSendTheFindingAgainWithTheRuleWhenTheStartRowArrivesAfterTheSuccessRow() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>(Op.write(ALLOW_SSH).at(minute(5)).created().request(OPEN_SSH).rows());
        Collections.reverse(rows); // Success (no bodies), then Start (the request body)

        List<Finding> versions = findings(rows);
        Finding inOrder = findings(Op.write(ALLOW_SSH).at(minute(5)).created().request(OPEN_SSH).rows()).get(0);

        assertThat(versions).hasSize(2);
        Finding first = versions.get(0);
        Finding last = versions.get(1);
        assertThat(first.message())
                .isEqualTo(
                        "alice@contoso.com created security rule allow-ssh in network security group"
                                + " nsg-web in resource group rg-prod (subscription "
                                + ActivityRecords.SUBSCRIPTION
                                + ")");
        assertThat(first.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(first.details().nsgRule())
                .isEqualTo(new NsgRuleChange("allow-ssh", null, null, null, null, null, false));
        assertThat(FindingDocument.version(first)).isEqualTo(1);

        assertThat(last.id()).isEqualTo(first.id()).isEqualTo(inOrder.id());
        assertThat(last.message())
                .isEqualTo(
                        "alice@contoso.com created security rule allow-ssh in network security group"
                                + " nsg-web: Allow Inbound Tcp from * to port 22, which opens inbound"
                                + " access from any source in resource group rg-prod (subscription "
                                + ActivityRecords.SUBSCRIPTION
                                + ")");
        assertThat(last.severity()).isEqualTo(Severity.HIGH);
        assertThat(last.details().nsgRule())
                .isEqualTo(new NsgRuleChange("allow-ssh", "Allow", "Inbound", "Tcp", "*", "22", true));
        assertThat(last.time()).isEqualTo(minute(5));
        assertThat(FindingDocument.version(last)).isEqualTo(2);
        // the document the sink keeps is the one the usual order gives, version aside
        assertThat(withoutVersion(last)).isEqualTo(withoutVersion(inOrder));
    }

    @Test
    void shouldSendOneVersionWhenTheStartRowComesFirstOrTheSuccessRowHasTheBody() throws Exception {
        List<ActivityRecords> bodyOnSuccess =
                new ArrayList<>(Op.write(ALLOW_SSH).at(minute(5)).request(OPEN_SSH).requestOnCompletion().rows());
        Collections.reverse(bodyOnSuccess);

        for (List<ActivityRecords> rows :
                List.of(Op.write(ALLOW_SSH).at(minute(5)).request(OPEN_SSH).rows(), bodyOnSuccess)) {
            assertThat(findings(rows)).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.HIGH);
                assertThat(f.revision()).isZero();
                assertThat(FindingDocument.version(f)).isEqualTo(1);
            });
        }
    }

    @Test
    void shouldSendARuleDeletionOnceWhenItsStartRowComesLast() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>(Op.delete(ALLOW_SSH).at(minute(4)).request("{}").rows());
        Collections.reverse(rows);

        assertThat(findings(rows)).singleElement().extracting(FindingDocument::version).isEqualTo(1L);
    }

    private static ObjectNode withoutVersion(Finding f) {
        ObjectNode doc = FindingDocument.toJson(f);
        ((ObjectNode) doc.get("deletion_watch")).remove("version");
        ((ObjectNode) doc.get("event")).remove("created");
        return doc;
    }
}
