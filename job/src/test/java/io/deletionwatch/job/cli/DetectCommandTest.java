package io.deletionwatch.job.cli;

import static io.deletionwatch.job.testing.ActivityRecords.ALICE;
import static io.deletionwatch.job.testing.ActivityRecords.ALICE_OID;
import static io.deletionwatch.job.testing.ActivityRecords.BEGINNING;
import static io.deletionwatch.job.testing.ActivityRecords.SUBSCRIPTION;
import static io.deletionwatch.job.testing.ActivityRecords.nsgId;
import static io.deletionwatch.job.testing.ActivityRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.job.findings.FindingIds;
import io.deletionwatch.job.testing.ActivityRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete";

    @TempDir Path dir;

    private static CliRun detect(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "detect";
        System.arraycopy(args, 0, full, 1, args.length);
        return CliRun.of(full);
    }

    private Path ndjson(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void shouldFindEachSuccessfulNsgDeleteOnceWhateverItsPhasesAndDuplicates() throws Exception {
        String web = nsgId("rg-prod", "nsg-web");
        String db = nsgId("rg-prod", "nsg-db");
        String upper = nsgId("RG-PROD", "NSG-API").toUpperCase();
        Path input =
                ndjson(
                        "day.ndjson",
                        ActivityRecords.envelope(0, record(NSG_DELETE, web, "Start", "corr-1", BEGINNING)).valueText(),
                        ActivityRecords.envelope(0,
                                        record(NSG_DELETE, web, "Accept", "corr-1", BEGINNING.plusSeconds(1)),
                                        record(NSG_DELETE, web, "Success", "corr-1", BEGINNING.plusSeconds(20)))
                                .valueText(),
                        // The same Success row again: Event Hubs delivers at least once.
                        ActivityRecords.envelope(0, record(NSG_DELETE, web, "Success", "corr-1", BEGINNING.plusSeconds(20))).valueText(),
                        // A delete that failed finds nothing.
                        ActivityRecords.envelope(0,
                                        record(NSG_DELETE, db, "Start", "corr-2", BEGINNING.plusSeconds(30)),
                                        record(NSG_DELETE, db, "Failure", "corr-2", BEGINNING.plusSeconds(31)))
                                .valueText(),
                        ActivityRecords.envelope(0,
                                        record(NSG_DELETE.toUpperCase(), upper, "Success", "corr-3", BEGINNING.plusSeconds(40)))
                                .valueText(),
                        "{\"records\": [ this is not json",
                        "");
        Path output = dir.resolve("findings.ndjson");
        Path deadLetters = dir.resolve("dead.ndjson");

        CliRun run = detect("--input", input.toString(), "--output", output.toString(), "--dead-letters", deadLetters.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err())
                .contains(
                        "read 1 file: 6 records, 7 events, 0 skipped (other log categories), 1 dead"
                                + " letters (invalid_json 1); 2 findings (nsg-deleted 2)");
        List<JsonNode> findings = lines(output);
        assertThat(findings).hasSize(2);
        assertThat(findings).extracting(f -> f.at("/azure/resource/name").asText()).containsExactlyInAnyOrder("nsg-web", "NSG-API");

        JsonNode finding = findings.stream().filter(f -> f.at("/azure/resource/name").asText().equals("nsg-web")).findFirst().orElseThrow();
        assertThat(finding.at("/event/id").asText())
                .isEqualTo(FindingIds.of("nsg-deleted", "corr-1", web, NSG_DELETE));
        // The Accept row completes the async delete first; its time is the finding's time.
        assertThat(finding.at("/@timestamp").asText()).isEqualTo(BEGINNING.plusSeconds(1).toString());
        assertThat(finding.at("/event/kind").asText()).isEqualTo("alert");
        // As the Activity Log wrote it, as Elastic's Azure integration keeps it.
        assertThat(finding.at("/event/action").asText()).isEqualTo(NSG_DELETE);
        assertThat(finding.at("/event/outcome").asText()).isEqualTo("success");
        assertThat(finding.at("/event/severity").asInt()).isEqualTo(73);
        assertThat(finding.at("/event/risk_score").asDouble()).isEqualTo(73.0);
        assertThat(finding.at("/event/category").toString()).isEqualTo("[\"configuration\",\"network\"]");
        assertThat(finding.at("/event/type").toString()).isEqualTo("[\"deletion\"]");
        assertThat(finding.at("/rule/id").asText()).isEqualTo("nsg-deleted");
        assertThat(finding.at("/rule/name").asText()).isEqualTo("Network security group deleted");
        assertThat(finding.at("/message").asText())
                .isEqualTo("alice@contoso.com deleted network security group nsg-web in resource group rg-prod (subscription " + SUBSCRIPTION + "); no earlier definition seen");
        assertThat(finding.at("/user/id").asText()).isEqualTo(ALICE_OID);
        assertThat(finding.at("/user/name").asText()).isEqualTo("alice");
        assertThat(finding.at("/user/domain").asText()).isEqualTo("contoso.com");
        assertThat(finding.at("/user/email").asText()).isEqualTo(ALICE);
        assertThat(finding.at("/source/ip").asText()).isEqualTo("203.0.113.7");
        assertThat(finding.at("/cloud/provider").asText()).isEqualTo("azure");
        assertThat(finding.at("/cloud/account/id").asText()).isEqualTo(SUBSCRIPTION);
        assertThat(finding.at("/azure/subscription_id").asText()).isEqualTo(SUBSCRIPTION);
        assertThat(finding.at("/azure/resource/id").asText()).isEqualTo(web);
        assertThat(finding.at("/azure/resource/group").asText()).isEqualTo("rg-prod");
        assertThat(finding.at("/azure/resource/provider").asText()).isEqualTo("microsoft.network");
        assertThat(finding.at("/azure/resource_provider/namespace").asText()).isEqualTo("Microsoft.Network/networkSecurityGroups");
        assertThat(finding.at("/cloud/resource_id").asText()).isEqualTo(web);
        assertThat(finding.at("/azure/activitylogs/operation_name").asText()).isEqualTo(NSG_DELETE);
        assertThat(finding.at("/azure/activitylogs/result_type").asText()).isEqualTo("Accept");
        assertThat(finding.at("/related/entity").toString()).isEqualTo("[\"" + web + "\",\"" + ALICE_OID + "\"]");
        assertThat(finding.at("/azure/correlation_id").asText()).isEqualTo("corr-1");
        assertThat(finding.at("/threat/framework").asText()).isEqualTo("MITRE ATT&CK");
        assertThat(finding.at("/threat/technique/0/subtechnique/0/id").asText()).isEqualTo("T1562.007");
        assertThat(finding.at("/related/user").toString()).isEqualTo("[\"alice\",\"" + ALICE + "\",\"" + ALICE_OID + "\"]");
        assertThat(finding.at("/related/ip").toString()).isEqualTo("[\"203.0.113.7\"]");
        assertThat(finding.at("/deletion_watch/severity").asText()).isEqualTo("high");
        assertThat(finding.at("/deletion_watch/principal_type").asText()).isEqualTo("user");
        assertThat(finding.at("/deletion_watch/insider_threat_matrix").toString()).isEqualTo("[\"IF014.005\"]");
        assertThat(finding.at("/deletion_watch/evidence")).hasSize(1);
        assertThat(finding.at("/deletion_watch/evidence/0/phase").asText()).isEqualTo("Accept");
        assertThat(finding.at("/deletion_watch/evidence/0/resource_id").asText()).isEqualTo(web);

        List<JsonNode> dead = lines(deadLetters);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).at("/deletion_watch/dead_letter/reason").asText()).isEqualTo("invalid_json");
        assertThat(dead.get(0).at("/deletion_watch/dead_letter/offset").asLong()).isEqualTo(6L);
        assertThat(dead.get(0).at("/deletion_watch/dead_letter/topic").asText()).isEqualTo(input.toString());
        assertThat(dead.get(0).at("/deletion_watch/dead_letter/payload").asText()).isEqualTo("{\"records\": [ this is not json");
    }

    @Test
    void shouldReadAPrettyPrintedDocumentAsOneRecordAndWriteFindingsToStandardOutput() throws Exception {
        String nsg = nsgId("rg-dev", "nsg-1");
        String pretty =
                JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(JSON.readTree(ActivityRecords.envelope(0, record(NSG_DELETE, nsg, "Success", "c-9", BEGINNING)).valueText()));
        Path input = Files.writeString(dir.resolve("pretty.json"), pretty);

        CliRun run = detect("--input", input.toString(), "--dead-letters", dir.resolve("dl.ndjson").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> out = run.out().lines().toList();
        assertThat(out).hasSize(1);
        assertThat(JSON.readTree(out.get(0)).at("/azure/resource/id").asText()).isEqualTo(nsg);
        assertThat(run.err()).contains("read 1 file: 1 records, 1 events, 0 skipped (other log categories), 0 dead letters; 1 findings (nsg-deleted 1)");
        assertThat(Files.readString(dir.resolve("dl.ndjson"))).isEmpty();
    }

    @Test
    void shouldExitWithOneClearLineWhenAnInputFileIsMissing() {
        CliRun run = detect("--input", dir.resolve("nope.json").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch detect: input file not found: " + dir.resolve("nope.json"));
    }

    @Test
    void shouldRejectAnUnknownOptionAndABadDuration() {
        CliRun unknown = detect("--input", "x", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");

        CliRun duration = detect("--input", "x", "--out-of-orderness", "soon");
        assertThat(duration.exitCode()).isEqualTo(2);
        assertThat(duration.err()).contains("'soon' is not a duration");
    }

    @Test
    void shouldListEveryOptionWithItsDefaultInHelp() {
        CliRun help = detect("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("--input")
                .contains("--output")
                .contains("(default: -)")
                .contains("--dead-letters")
                .contains("(default: dead-letters.ndjson)")
                .contains("--out-of-orderness")
                .contains("(default: 5m)");
    }
}
