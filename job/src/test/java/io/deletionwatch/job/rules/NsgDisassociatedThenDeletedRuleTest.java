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
import io.deletionwatch.job.testing.TestBodies;
import io.deletionwatch.job.testing.TestCaller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NsgDisassociatedThenDeletedRuleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String RULE = "nsg-disassociated-then-deleted";
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final String OTHER_NSG = Ids.nsg("rg-prod", "nsg-web-v2");
    private static final String SUBNET = Ids.subnet("rg-prod", "vnet-prod", "web");
    private static final String SUBNET_2 = Ids.subnet("rg-prod", "vnet-prod", "api");
    private static final String NIC = Ids.nic("rg-prod", "vm-web-1-nic");

    private static PipelineHarness.Result run(List<ActivityRecords> rows) throws Exception {
        return PipelineHarness.run(DetectionConfig.defaults(), rows);
    }

    private static List<Finding> findings(List<ActivityRecords> rows) throws Exception {
        return run(rows).of(RULE);
    }

    private static Op attach(String subnet, String nsg, long minute) {
        return Op.write(subnet).at(minute(minute)).request(TestBodies.subnet(name(subnet), nsg));
    }

    private static Op detach(String subnet, long minute) {
        return Op.write(subnet).at(minute(minute)).request(TestBodies.subnet(name(subnet), null));
    }

    private static String name(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    @Test
    void shouldReportAnNsgRemovedFromASubnetAndThenDeleted() throws Exception {
        List<Finding> findings =
                findings(Op.rows(attach(SUBNET, NSG, 0), detach(SUBNET, 20), Op.delete(NSG).at(minute(30))));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.caller().name()).isEqualTo(ActivityRecords.ALICE);
            assertThat(f.resource().id()).isEqualTo(NSG);
            assertThat(f.time()).isEqualTo(minute(30));
            assertThat(f.details().unprotectedResources()).containsExactly(SUBNET);
            assertThat(f.details().firstSeen()).isEqualTo(minute(20));
            assertThat(f.evidence()).extracting(Evidence::resourceId).containsExactly(SUBNET, NSG);
            assertThat(f.message())
                    .isEqualTo(
                            "alice@contoso.com deleted network security group nsg-web in resource"
                                    + " group rg-prod (subscription " + ActivityRecords.SUBSCRIPTION
                                    + ") 10 minutes after removing it from subnet vnet-prod/web, which"
                                    + " has no NSG now; no earlier definition seen");
            assertThat(f.rule().techniques()).extracting(t -> t.id()).containsExactly("T1562.007");
        });
    }

    @Test
    void shouldNameEverySubnetAndNicLeftWithoutTheNsgInOneFinding() throws Exception {
        List<Finding> findings =
                findings(
                        Op.rows(
                                attach(SUBNET, NSG, 0),
                                attach(SUBNET_2, NSG, 1),
                                Op.write(NIC).at(minute(2)).request(TestBodies.nic(SUBNET, NSG)),
                                detach(SUBNET, 20),
                                Op.write(NIC).at(minute(21)).request(TestBodies.nic(SUBNET, null)).by(TestCaller.BOB),
                                detach(SUBNET_2, 22),
                                Op.delete(NSG).at(minute(30)).phases("Start", "Accept")));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.details().unprotectedResources()).containsExactly(SUBNET, NIC, SUBNET_2);
            assertThat(f.message())
                    .contains("10 minutes after alice@contoso.com and bob@contoso.com removed it from"
                            + " subnet vnet-prod/web, network interface vm-web-1-nic, subnet vnet-prod/api,"
                            + " which have no NSG now");
        });
    }

    @Test
    void shouldCompleteASuccessRowWithoutBodyWithItsStartRowsRequestBody() throws Exception {
        // attach known from the response body of the success row; detach only from the Start row
        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.write(SUBNET).at(minute(0)).response(TestBodies.subnet("web", NSG)),
                                Op.write(SUBNET).at(minute(20)).request(TestBodies.subnet("web", null)),
                                Op.delete(NSG).at(minute(30))));

        assertThat(findings).hasSize(1);
    }

    @Test
    void shouldReadDetachmentsFromVnetWritesWithInlineSubnets() throws Exception {
        String vnet = Ids.vnet("rg-prod", "vnet-prod");
        Map<String, String> before = new LinkedHashMap<>();
        before.put("web", NSG);
        before.put("api", null);
        Map<String, String> after = new LinkedHashMap<>();
        after.put("web", null);
        after.put("api", null);

        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.write(vnet).at(minute(0)).request(TestBodies.vnet(before)),
                                Op.write(vnet).at(minute(20)).request(TestBodies.vnet(after)),
                                Op.delete(NSG).at(minute(30))));

        assertThat(findings).singleElement().satisfies(f ->
                assertThat(f.details().unprotectedResources()).containsExactly(SUBNET));
    }

    @Test
    void shouldKnowTheAttachedNsgFromAnNsgWriteThatListsItsSubnetsAndNics() throws Exception {
        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.write(NSG).at(minute(0)).response(TestBodies.nsg(List.of(SUBNET), List.of(NIC))),
                                Op.write(NIC).at(minute(20)).request(TestBodies.nic(SUBNET, null)),
                                Op.delete(NSG).at(minute(30))));

        assertThat(findings).singleElement().satisfies(f ->
                assertThat(f.details().unprotectedResources()).containsExactly(NIC));
    }

    @Test
    void shouldNotCallAWriteWithoutNsgADetachmentWhenTheNsgWasUnknown() throws Exception {
        assertThat(findings(Op.rows(detach(SUBNET, 20), Op.delete(NSG).at(minute(30))))).isEmpty();
    }

    @Test
    void shouldNotReportWritesThatKeepOrReplaceTheNsg() throws Exception {
        List<Finding> findings =
                findings(
                        Op.rows(
                                attach(SUBNET, NSG, 0),
                                attach(SUBNET, NSG, 10), // an update that keeps it
                                attach(SUBNET_2, NSG, 11),
                                attach(SUBNET_2, OTHER_NSG, 20), // replaced by another NSG
                                Op.delete(NSG).at(minute(30))));

        assertThat(findings).isEmpty();
    }

    @Test
    void shouldNotReportAFailedDetachment() throws Exception {
        List<Finding> findings =
                findings(
                        Op.rows(
                                attach(SUBNET, NSG, 0),
                                detach(SUBNET, 20).failing("{\"error\":{\"code\":\"InUseSubnetCannotBeUpdated\"}}"),
                                Op.delete(NSG).at(minute(30))));

        assertThat(findings).isEmpty();
    }

    @Test
    void shouldReportADeletionJustInsideTheWindowButNotOneAtItsEnd() throws Exception {
        List<Finding> inside =
                findings(Op.rows(attach(SUBNET, NSG, 0), detach(SUBNET, 10), Op.delete(NSG).at(minute(69, 59))));
        List<Finding> atTheEnd =
                findings(Op.rows(attach(SUBNET, NSG, 0), detach(SUBNET, 10), Op.delete(NSG).at(minute(70))));

        assertThat(inside).hasSize(1);
        assertThat(atTheEnd).isEmpty();
    }

    @Test
    void shouldMatchIdsInAnyCase() throws Exception {
        List<Finding> findings =
                findings(
                        Op.rows(
                                Op.write(SUBNET.toUpperCase()).at(minute(0)).request(TestBodies.subnet("web", NSG.toLowerCase())),
                                Op.of("MICROSOFT.NETWORK/VIRTUALNETWORKS/SUBNETS/WRITE", SUBNET.toLowerCase())
                                        .at(minute(20))
                                        .request(TestBodies.subnet("web", null)),
                                Op.of("MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DELETE", NSG.toUpperCase()).at(minute(30))));

        assertThat(findings).singleElement().satisfies(f -> assertThat(f.resource().id()).isEqualTo(NSG.toUpperCase()));
    }

    @Test
    void shouldReportServicePrincipalsAndCountPhasesAndDuplicatesOnce() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>();
        rows.addAll(attach(SUBNET, NSG, 0).by(TestCaller.TERRAFORM).rows());
        rows.addAll(detach(SUBNET, 20).by(TestCaller.TERRAFORM).rows());
        rows.addAll(detach(SUBNET, 20).by(TestCaller.TERRAFORM).rows()); // exported twice
        rows.addAll(Op.delete(NSG).by(TestCaller.TERRAFORM).at(minute(30)).phases("Start", "Accept", "Success").rows());
        rows.addAll(Op.delete(NSG).by(TestCaller.TERRAFORM).at(minute(30)).phases("Accept", "Success").rows());

        List<Finding> findings = findings(rows);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.caller().appId()).isEqualTo(TestCaller.TERRAFORM.appId());
            assertThat(f.evidence()).hasSize(2);
        });
    }

    @Test
    void shouldReportASequenceWhoseRowsArriveOutOfOrderWithinTheAllowance() throws Exception {
        // the delete is logged first, the detachment and the attachment 3 and 4 minutes behind
        List<ActivityRecords> rows = new ArrayList<>();
        rows.addAll(Op.delete(NSG).at(minute(10)).rows());
        rows.addAll(detach(SUBNET, 7).rows());
        rows.addAll(attach(SUBNET, NSG, 6).rows());

        assertThat(findings(rows)).hasSize(1);
    }

    @Test
    void shouldDeadLetterADetachmentLaterThanTheAllowance() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>();
        rows.addAll(attach(SUBNET, NSG, 0).rows());
        rows.addAll(Op.delete(NSG).at(minute(30)).rows());
        rows.addAll(detach(SUBNET, 20).rows()); // 10 minutes behind

        PipelineHarness.Result result = run(rows);

        assertThat(result.of(RULE)).isEmpty();
        assertThat(result.of("nsg-deleted")).hasSize(1);
        // the Start row (it carries the body) and the Success row, each once
        assertThat(result.deadLetters(LateEvents.REASON)).hasSize(2).allSatisfy(d -> {
            assertThat(d.detail()).contains("nsg-disassociated-then-deleted, nsg-forced-deletion");
            assertThat(new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8)).contains(SUBNET);
        });
    }
}
