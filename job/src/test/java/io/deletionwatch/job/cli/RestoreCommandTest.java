package io.deletionwatch.job.cli;

import static io.deletionwatch.job.testing.Times.minute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.Ids;
import io.deletionwatch.job.testing.NsgBodiesForRestore;
import io.deletionwatch.job.testing.NsgBodiesForRestore.Rule;
import io.deletionwatch.job.testing.Op;
import io.deletionwatch.job.testing.TestBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code restore --finding ID --input FILE} on what {@code detect} wrote. */
class RestoreCommandTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NSG = Ids.nsg("rg-prod", "nsg-web");
    private static final String SUBNET = Ids.subnet("rg-prod", "vnet-prod", "web");

    @TempDir Path dir;

    private Path detect(List<ActivityRecords> rows) throws Exception {
        Path input = dir.resolve("activity.ndjson");
        Files.write(input, rows.stream().map(ActivityRecords::text).toList());
        Path output = dir.resolve("findings.ndjson");
        CliRun run = CliRun.of("detect", "--input", input.toString(), "--output", output.toString(),
                "--dead-letters", dir.resolve("dead.ndjson").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return output;
    }

    private static JsonNode finding(Path findings, String rule) throws Exception {
        for (String line : Files.readAllLines(findings)) {
            JsonNode doc = JSON.readTree(line);
            if (doc.at("/rule/id").asText().equals(rule)) {
                return doc;
            }
        }
        throw new AssertionError("no " + rule + " finding");
    }

    @Test
    void shouldPrintTheTemplateTheDeployCommandAndTheReattachCommands() throws Exception {
        Path findings = detect(Op.rows(
                Op.write(NSG).at(minute(0)).response(NsgBodiesForRestore.nsg("westeurope", Map.of(),
                        List.of(new Rule("allow-https", 100, "Inbound", "Allow", "Tcp", "Internet", "443", null)), List.of(), List.of())),
                Op.write(SUBNET).at(minute(4)).request(TestBodies.subnet("web", NSG)),
                Op.write(SUBNET).at(minute(20)).request(TestBodies.subnet("web", null)),
                Op.delete(NSG).at(minute(30))));
        JsonNode finding = finding(findings, "nsg-disassociated-then-deleted");
        String id = finding.at("/event/id").asText();

        CliRun run = CliRun.of("restore", "--finding", id, "--input", findings.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        String template = finding.at("/deletion_watch/restore/arm_template").asText();
        assertThat(run.out()).contains("# 1. Save this ARM template as nsg-web-restore.json:\n" + template + "\n");
        assertThat(run.out()).endsWith(
                "# 2. Deploy it into the NSG's resource group:\n"
                        + "az deployment group create --subscription '" + ActivityRecords.SUBSCRIPTION + "' --resource-group 'rg-prod'"
                        + " --template-file 'nsg-web-restore.json'\n"
                        + "# 3. Attach it again to the subnets and NICs it protected:\n"
                        + "az network vnet subnet update --ids '" + SUBNET + "' --network-security-group '" + NSG + "'\n");
        assertThat(JSON.readTree(template).at("/resources/0/properties/securityRules/0/name").asText()).isEqualTo("allow-https");
    }

    @Test
    void shouldSayInOneLineThatAFindingDoesNotExist() throws Exception {
        Path findings = detect(Op.rows(Op.delete(NSG).at(minute(30))));

        CliRun run = CliRun.of("restore", "--finding", "no-such-id", "--input", findings.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("deletion-watch restore: no finding with event.id no-such-id in " + findings + "\n");
    }

    @Test
    void shouldSayInOneLineThatNothingIsKnownToRestore() throws Exception {
        Path findings = detect(Op.rows(Op.delete(NSG).at(minute(30))));
        String id = finding(findings, "nsg-deleted").at("/event/id").asText();

        CliRun run = CliRun.of("restore", "--finding", id, "--input", findings.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("deletion-watch restore: finding " + id
                + " (nsg-deleted) has no earlier definition of its NSG: nothing to restore\n");
    }

    @Test
    void shouldSayInOneLineWhenElasticsearchCannotBeReached() {
        CliRun run = CliRun.of("restore", "--finding", "x", "--es-url", "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("deletion-watch restore: ").hasLineCount(1);
    }
}
