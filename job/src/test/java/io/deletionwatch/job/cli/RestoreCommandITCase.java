package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code restore --finding ID --es-url URL} against a real Elasticsearch node. */
class RestoreCommandITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void shouldPrintTheRestoreOfAFindingStoredInElasticsearchAndSayWhenThereIsNone() throws Exception {
        // the demo's findings, as detect writes them
        Path findings = dir.resolve("findings.ndjson");
        CliRun detect = CliRun.of("detect", "--input", Path.of("samples", "activity-log-demo.ndjson").toString(),
                "--output", findings.toString(), "--dead-letters", dir.resolve("dead.ndjson").toString());
        assertThat(detect.exitCode()).as(detect.err()).isZero();
        JsonNode forced = null;
        String index = "restore-" + ElasticsearchNodeExtension.uniqueNamespace();
        for (String line : Files.readAllLines(findings)) {
            ObjectNode doc = (ObjectNode) JSON.readTree(line);
            ES.client().index(i -> i.index(index).id(doc.at("/event/id").asText()).document(doc));
            if (doc.at("/rule/id").asText().equals("nsg-forced-deletion")) {
                forced = doc;
            }
        }
        ES.refresh(index);
        String id = forced.at("/event/id").asText();

        CliRun fromEs = CliRun.of("restore", "--finding", id, "--es-url", ES.url(), "--findings-index", index);
        CliRun fromFile = CliRun.of("restore", "--finding", id, "--input", findings.toString());

        assertThat(fromEs.exitCode()).as(fromEs.err()).isZero();
        assertThat(fromEs.out()).isEqualTo(fromFile.out());
        assertThat(fromEs.out()).contains("az network vnet subnet update --ids").contains("az network nic update --ids")
                .contains("\"name\" : \"allow-sql-from-app\"");

        CliRun missing = CliRun.of("restore", "--finding", "0000", "--es-url", ES.url(), "--findings-index", index);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("deletion-watch restore: no finding with event.id 0000 in " + ES.url() + "\n");
    }
}
