package io.deletionwatch.job.rules;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Evidence;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import io.deletionwatch.job.testing.TestBodies;
import io.deletionwatch.job.testing.TestCaller;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NsgForcedDeletionRuleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String RULE = "nsg-forced-deletion";
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final String SUBNET = Ids.subnet("rg-prod", "vnet-prod", "web");
    private static final String NIC = Ids.nic("rg-prod", "vm-web-1-nic");
    private static final String NIC_IP_CONFIG = Ids.ipConfiguration("rg-prod", "vm-web-1-nic", "ipconfig1");
    private static final String IN_USE = TestBodies.nsgInUse(NSG, SUBNET, NIC_IP_CONFIG);

    private static PipelineHarness.Result run(List<ActivityRecords> rows) throws Exception {
        return PipelineHarness.run(DetectionConfig.defaults(), rows);
    }

    private static Op refused(long minute) {
        return Op.delete(NSG).at(minute(minute)).failing(IN_USE);
    }

    private static Op detachSubnet(long minute) {
        return Op.write(SUBNET).at(minute(minute)).request(TestBodies.subnet("web", null));
    }

    private static Op detachNic(long minute) {
        return Op.write(NIC).at(minute(minute)).request(TestBodies.nic(SUBNET, null));
    }

    @Test
    void shouldReportARefusedDeleteThenDetachmentsFromTheListedHoldersThenADelete() throws Exception {
        PipelineHarness.Result result =
                run(Op.rows(refused(0), detachSubnet(5), detachNic(6), Op.delete(NSG).at(minute(8))));

        assertThat(result.of(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.caller().name()).isEqualTo(ActivityRecords.ALICE);
            assertThat(f.resource().id()).isEqualTo(NSG);
            assertThat(f.time()).isEqualTo(minute(8));
            assertThat(f.details().unprotectedResources()).containsExactly(SUBNET, NIC);
            assertThat(f.details().firstSeen()).isEqualTo(minute(0));
            assertThat(f.evidence())
                    .extracting(Evidence::resourceId, Evidence::phase)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(NSG, "Failure"),
                            org.assertj.core.groups.Tuple.tuple(SUBNET, "Success"),
                            org.assertj.core.groups.Tuple.tuple(NIC, "Success"),
                            org.assertj.core.groups.Tuple.tuple(NSG, "Success"));
            assertThat(f.message())
                    .isEqualTo(
                            "alice@contoso.com deleted network security group nsg-web in resource"
                                    + " group rg-prod (subscription " + ActivityRecords.SUBSCRIPTION
                                    + ") 8 minutes after a delete refused because it was in use, and"
                                    + " after removing it from subnet vnet-prod/web, network interface"
                                    + " vm-web-1-nic, which have no NSG now; no earlier definition seen");
        });
        // the error made the attachment known: the plain detach-then-delete rule sees it too
        assertThat(result.of("nsg-disassociated-then-deleted")).hasSize(1);
        assertThat(result.of("nsg-deleted")).hasSize(1);
    }

    @Test
    void shouldNotReportADetachThenDeleteWithoutARefusedDelete() throws Exception {
        PipelineHarness.Result result =
                run(
                        Op.rows(
                                Op.write(SUBNET).at(minute(0)).request(TestBodies.subnet("web", NSG)),
                                detachSubnet(5),
                                Op.delete(NSG).at(minute(8))));

        assertThat(result.of(RULE)).isEmpty();
        assertThat(result.of("nsg-disassociated-then-deleted")).hasSize(1);
    }

    @Test
    void shouldNotReportADetachmentOfAHolderTheErrorDidNotList() throws Exception {
        String otherSubnet = Ids.subnet("rg-prod", "vnet-prod", "api");
        List<Finding> findings =
                run(
                        Op.rows(
                                Op.write(otherSubnet).at(minute(0)).request(TestBodies.subnet("api", NSG)),
                                Op.delete(NSG).at(minute(1)).failing(TestBodies.nsgInUse(NSG, SUBNET)),
                                Op.write(otherSubnet).at(minute(5)).request(TestBodies.subnet("api", null)),
                                Op.delete(NSG).at(minute(8))))
                        .of(RULE);

        assertThat(findings).isEmpty();
    }

    @Test
    void shouldNotReportARefusedDeleteFollowedByADeleteWithoutDetachment() throws Exception {
        assertThat(run(Op.rows(refused(0), Op.delete(NSG).at(minute(8)))).of(RULE)).isEmpty();
    }

    @Test
    void shouldReportASequenceJustInsideTheWindowButNotOneAtItsEnd() throws Exception {
        List<Finding> inside =
                run(Op.rows(refused(0), detachSubnet(30), Op.delete(NSG).at(minute(59, 59)))).of(RULE);
        List<Finding> atTheEnd =
                run(Op.rows(refused(0), detachSubnet(30), Op.delete(NSG).at(minute(60)))).of(RULE);

        assertThat(inside).hasSize(1);
        assertThat(atTheEnd).isEmpty();
    }

    @Test
    void shouldReportOneIncidentForRepeatedRefusalsDuplicatesAndPhases() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>();
        rows.addAll(refused(0).rows());
        rows.addAll(refused(0).rows()); // exported twice
        rows.addAll(Op.delete(NSG).at(minute(1)).failing(IN_USE).correlation("second-try").rows());
        rows.addAll(detachNic(5).rows());
        rows.addAll(Op.delete(NSG).at(minute(8)).phases("Start", "Accept", "Success").rows());

        List<Finding> findings = run(rows).of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.details().unprotectedResources()).containsExactly(NIC);
            assertThat(f.evidence()).hasSize(3);
        });
    }

    @Test
    void shouldReportServicePrincipalsAndIdsInAnyCase() throws Exception {
        List<Finding> findings =
                run(
                        Op.rows(
                                Op.of("MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DELETE", NSG.toUpperCase())
                                        .by(TestCaller.JANITOR)
                                        .at(minute(0))
                                        .failing(TestBodies.nsgInUse(NSG.toUpperCase(), NIC_IP_CONFIG.toUpperCase())),
                                detachNic(5).by(TestCaller.JANITOR),
                                Op.delete(NSG).by(TestCaller.JANITOR).at(minute(8))))
                        .of(RULE);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.caller().appId()).isEqualTo(TestCaller.JANITOR.appId());
            assertThat(f.details().unprotectedResources()).containsExactly(NIC);
        });
    }

    @Test
    void shouldReportASequenceWhoseRowsArriveOutOfOrderWithinTheAllowance() throws Exception {
        List<ActivityRecords> rows = new ArrayList<>();
        rows.addAll(Op.delete(NSG).at(minute(8)).rows());
        rows.addAll(detachSubnet(6).rows());
        rows.addAll(refused(4).rows());

        assertThat(run(rows).of(RULE)).hasSize(1);
    }
}
