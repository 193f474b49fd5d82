package io.deletionwatch.job.rules.nsg;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.findings.NsgRestore;
import io.deletionwatch.job.findings.NsgSecurityRule;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.NsgBodiesForRestore;
import io.deletionwatch.job.testing.NsgBodiesForRestore.Rule;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.PipelineHarness;
import io.deletionwatch.job.testing.TestBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The restore data of NSG deletion findings, through the whole pipeline on a MiniCluster. */
class NsgRestoreScenarioTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final String SUBNET = Ids.subnet("rg-prod", "vnet-prod", "web");
    private static final String NIC = Ids.nic("rg-prod", "vm-web-1-nic");

    private static final Rule HTTPS = new Rule("allow-https", 100, "Inbound", "Allow", "Tcp", "Internet", "443", "public web");
    private static final Rule SSH = new Rule("allow-ssh", 110, "Inbound", "Allow", "Tcp", "10.0.0.0/8", "22", null);
    private static final Rule RDP = new Rule("allow-rdp", 120, "Inbound", "Allow", "Tcp", "10.0.0.0/8", "3389", null);
    private static final Rule SSH_CHANGED = new Rule("allow-ssh", 115, "Inbound", "Allow", "Tcp", "10.1.0.0/16", "22", "bastion only");

    /** Created with three rules, one changed, one deleted, attached to a subnet and a NIC, detached, deleted. */
    private static List<io.deletionwatch.job.testing.ActivityRecords> lifeAndDeath() {
        return Op.rows(
                Op.write(NSG).at(minute(0)).created()
                        .response(NsgBodiesForRestore.nsg("westeurope", Map.of("env", "prod"), List.of(HTTPS, SSH, RDP), List.of(), List.of())),
                Op.write(Ids.securityRule("rg-prod", "nsg-web", "allow-ssh")).at(minute(2)).response(SSH_CHANGED.body()),
                Op.delete(Ids.securityRule("rg-prod", "nsg-web", "allow-rdp")).at(minute(3)),
                Op.write(SUBNET).at(minute(4)).request(TestBodies.subnet("web", NSG)),
                // the NIC's success row carries its body; the subnet's only its Start row
                Op.write(NIC).at(minute(5)).request(TestBodies.nic(SUBNET, NSG)).requestOnCompletion(),
                Op.write(SUBNET).at(minute(20)).request(TestBodies.subnet("web", null)),
                Op.write(NIC).at(minute(21)).request(TestBodies.nic(SUBNET, null)),
                Op.delete(NSG).at(minute(30)));
    }

    @Test
    void shouldCarryTheRemainingRulesWithTheirChangesAndBothAssociations() throws Exception {
        PipelineHarness.Result result = PipelineHarness.run(DetectionConfig.defaults(), lifeAndDeath());

        for (String rule : List.of("nsg-deleted", "nsg-disassociated-then-deleted")) {
            Finding finding = result.of(rule).get(0);
            assertThat(result.of(rule)).hasSize(1);
            NsgRestore restore = finding.details().restore();
            assertThat(restore).as(rule).isNotNull();
            assertThat(restore.securityRules())
                    .extracting(NsgSecurityRule::name, NsgSecurityRule::priority, NsgSecurityRule::sourceAddressPrefixes, NsgSecurityRule::description)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("allow-https", 100, List.of("Internet"), "public web"),
                            org.assertj.core.groups.Tuple.tuple("allow-ssh", 115, List.of("10.1.0.0/16"), "bastion only"));
            assertThat(restore.location()).isEqualTo("westeurope");
            assertThat(restore.tags()).isEqualTo(Map.of("env", "prod"));
            // The sequence finding adds the subnets and NICs it saw detached; nsg-deleted knows only
            // what success rows showed (the subnet's body was on its Start row alone).
            assertThat(restore.subnets()).isEqualTo(rule.equals("nsg-deleted") ? List.of() : List.of(SUBNET));
            assertThat(restore.networkInterfaces()).containsExactly(NIC);
            assertThat(restore.lastSeen()).isEqualTo(minute(3));
            assertThat(restore.truncated()).isFalse();
            assertThat(finding.message())
                    .endsWith("; its last known definition (2 security rules, written " + minute(3) + ") is in deletion_watch.restore");

            JsonNode doc = MAPPER.readTree(FindingDocument.toBytes(finding)).path("deletion_watch").path("restore");
            JsonNode template = MAPPER.readTree(doc.path("arm_template").asText());
            JsonNode resources = template.path("resources");
            assertThat(resources).hasSize(1);
            assertThat(resources.get(0).path("name").asText()).isEqualTo("nsg-web");
            assertThat(resources.get(0).path("location").asText()).isEqualTo("westeurope");
            List<String> templateRules = new ArrayList<>();
            for (JsonNode r : resources.get(0).path("properties").path("securityRules")) {
                JsonNode p = r.path("properties");
                templateRules.add(r.path("name").asText() + " " + p.path("priority").asInt() + " " + p.path("direction").asText()
                        + " " + p.path("access").asText() + " " + p.path("protocol").asText() + " " + p.path("sourceAddressPrefix").asText()
                        + " " + p.path("sourcePortRange").asText() + " " + p.path("destinationAddressPrefix").asText()
                        + " " + p.path("destinationPortRange").asText() + " " + p.path("description").asText());
            }
            assertThat(templateRules).containsExactly(
                    "allow-https 100 Inbound Allow Tcp Internet * * 443 public web",
                    "allow-ssh 115 Inbound Allow Tcp 10.1.0.0/16 * * 22 bastion only");
            List<String> commands = new ArrayList<>();
            if (!rule.equals("nsg-deleted")) {
                commands.add("az network vnet subnet update --ids '" + SUBNET + "' --network-security-group '" + NSG + "'");
            }
            commands.add("az network nic update --ids '" + NIC + "' --network-security-group '" + NSG + "'");
            assertThat(doc.path("reattach_commands")).extracting(JsonNode::asText).isEqualTo(commands);
        }
    }

    @Test
    void shouldSayNoEarlierDefinitionWasSeenAndCarryNoRestoreFields() throws Exception {
        PipelineHarness.Result result = PipelineHarness.run(DetectionConfig.defaults(), Op.rows(Op.delete(NSG).at(minute(30))));

        Finding finding = result.of("nsg-deleted").get(0);
        assertThat(result.of("nsg-deleted")).hasSize(1);
        assertThat(finding.details().restore()).isNull();
        assertThat(finding.message()).endsWith("; no earlier definition seen");
        JsonNode doc = MAPPER.readTree(FindingDocument.toBytes(finding));
        assertThat(doc.path("deletion_watch").has("restore")).isFalse();
    }

    @Test
    void shouldKeepTheNewerDefinitionWhenAnOlderWriteArrivesLater() throws Exception {
        Rule old = new Rule("allow-https", 100, "Inbound", "Allow", "Tcp", "*", "80", null);
        PipelineHarness.Result result = PipelineHarness.run(DetectionConfig.defaults(), Op.rows(
                Op.write(NSG).at(minute(10)).response(NsgBodiesForRestore.nsg("westeurope", Map.of(), List.of(HTTPS), List.of(), List.of())),
                Op.write(NSG).at(minute(5)).response(NsgBodiesForRestore.nsg("northeurope", Map.of("old", "yes"), List.of(old, SSH), List.of(), List.of())),
                Op.write(Ids.securityRule("rg-prod", "nsg-web", "allow-https")).at(minute(7)).response(old.body()),
                Op.delete(NSG).at(minute(30))));

        NsgRestore restore = result.of("nsg-deleted").get(0).details().restore();
        assertThat(restore.location()).isEqualTo("westeurope");
        assertThat(restore.tags()).isEmpty();
        assertThat(restore.securityRules()).extracting(NsgSecurityRule::name, NsgSecurityRule::destinationPortRanges)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("allow-https", List.of("443")));
        assertThat(restore.lastSeen()).isEqualTo(minute(10));
    }

    /**
     * Created with two rules, attached to a subnet (its Start row), detached, deleted; then an
     * unrelated write that moves event time past the deletion, so that the sequence rule fires.
     * The NSG's write comes first, or last: after the findings of its deletion.
     */
    private static List<io.deletionwatch.job.testing.ActivityRecords> createdDetachedDeleted(boolean writeLast) {
        Op written = Op.write(NSG).at(minute(0)).created()
                .response(NsgBodiesForRestore.nsg("westeurope", Map.of("env", "prod"), List.of(HTTPS, SSH), List.of(), List.of()));
        List<Op> ops = new ArrayList<>(List.of(
                Op.write(SUBNET).at(minute(4)).request(TestBodies.subnet("web", NSG)),
                Op.write(SUBNET).at(minute(20)).request(TestBodies.subnet("web", null)),
                Op.delete(NSG).at(minute(30)),
                Op.write(Ids.vm("rg-app", "vm-1")).at(minute(40))));
        ops.add(writeLast ? ops.size() : 0, written);
        return Op.rows(ops.toArray(Op[]::new));
    }

    private static final List<String> DELETION_RULES = List.of("nsg-deleted", "nsg-disassociated-then-deleted");

    @Test
    void shouldSendTheDeletionFindingsAgainWithTheDefinitionWhenTheEarlierWriteArrivesAfterThem() throws Exception {
        List<io.deletionwatch.job.testing.ActivityRecords> rows = createdDetachedDeleted(true);
        // the NSG's write (its Start and Success rows) only once both findings are out
        PipelineHarness.Result adversarial =
                PipelineHarness.runHolding(DetectionConfig.defaults(), rows, rows.size() - 2, DELETION_RULES);
        PipelineHarness.Result inOrder = PipelineHarness.run(DetectionConfig.defaults(), createdDetachedDeleted(false));

        for (String rule : DELETION_RULES) {
            List<Finding> versions = adversarial.of(rule);
            assertThat(versions).as(rule).hasSize(2);
            Finding first = versions.get(0);
            assertThat(first.details().restore()).isNull();
            assertThat(first.message()).endsWith("; no earlier definition seen");
            Finding last = versions.get(1);
            assertThat(last.id()).isEqualTo(first.id());
            assertThat(FindingDocument.version(last)).isEqualTo(FindingDocument.version(first) + 1);
            assertThat(last.severity()).isEqualTo(first.severity());
            assertThat(last.message())
                    .isEqualTo(first.message().replace("; no earlier definition seen", "")
                            + "; its last known definition (2 security rules, written " + minute(0) + ") is in deletion_watch.restore");
            NsgRestore restore = last.details().restore();
            assertThat(restore.securityRules()).extracting(NsgSecurityRule::name).containsExactly("allow-https", "allow-ssh");
            assertThat(restore.location()).isEqualTo("westeurope");
            assertThat(restore.tags()).isEqualTo(Map.of("env", "prod"));
            assertThat(restore.lastSeen()).isEqualTo(minute(0));
            assertThat(restore.subnets()).isEqualTo(rule.equals("nsg-deleted") ? List.of() : List.of(SUBNET));
            // what the sink keeps is what the usual order gives, version aside
            assertThat(inOrder.of(rule)).as(rule).singleElement()
                    .satisfies(f -> assertThat(withoutVersion(last)).isEqualTo(withoutVersion(f)));
        }
        assertThat(adversarial.of("nsg-deleted")).extracting(FindingDocument::version).containsExactly(1L, 2L);
        assertThat(adversarial.of("nsg-disassociated-then-deleted")).extracting(FindingDocument::version).containsExactly(2L, 3L);
    }

    @Test
    void shouldSendEachDeletionFindingOnceWhenTheWritesComeFirst() throws Exception {
        PipelineHarness.Result result = PipelineHarness.run(DetectionConfig.defaults(), lifeAndDeath());

        for (String rule : DELETION_RULES) {
            assertThat(result.of(rule)).as(rule).singleElement()
                    .satisfies(f -> assertThat(f.revision()).isZero());
        }
        assertThat(FindingDocument.version(result.of("nsg-deleted").get(0))).isEqualTo(1);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode withoutVersion(Finding f) {
        var doc = FindingDocument.toJson(f);
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("deletion_watch")).remove("version");
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("event")).remove("created");
        return doc;
    }
}
