package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kibana module's real-node tests run the dashboards' queries over findings the job made from
 * the bundled sample. They cannot run the job (the job depends on them), so the findings are a
 * file there; this test keeps that file equal to what {@code detect} makes of the sample now.
 */
class KibanaFixtureTest {
    static final Path FIXTURE = Path.of("..", "kibana", "src", "test", "resources", "job-findings", "demo-sample-findings.ndjson");
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    @TempDir Path dir;

    @Test
    void shouldHoldExactlyTheFindingsDetectMakesOfTheBundledSample() throws Exception {
        Path output = dir.resolve("findings.ndjson");
        CliRun run =
                CliRun.of(
                        "detect",
                        "--input", Path.of("samples", "activity-log-demo.ndjson").toString(),
                        "--output", output.toString(),
                        "--dead-letters", dir.resolve("dead.ndjson").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        assertThat(canonical(Files.readAllLines(output)))
                .as("regenerate %s from detect's output when the findings change", FIXTURE)
                .isEqualTo(Files.readAllLines(FIXTURE));
    }

    /**
     * As Elasticsearch keeps them: the last (highest) version of each id, which replaces the earlier
     * ones; without event.created; sorted.
     */
    static List<String> canonical(List<String> lines) throws Exception {
        Map<String, ObjectNode> latest = new HashMap<>();
        for (String line : lines) {
            ObjectNode finding = (ObjectNode) JSON.readTree(line);
            latest.merge(
                    finding.at("/event/id").asText(),
                    finding,
                    (kept, next) -> version(next) > version(kept) ? next : kept);
        }
        List<String> out = new ArrayList<>();
        for (ObjectNode finding : latest.values()) {
            ((ObjectNode) finding.get("event")).remove("created");
            out.add(JSON.writeValueAsString(JSON.treeToValue(finding, Object.class)));
        }
        out.sort(null);
        return out;
    }

    private static long version(ObjectNode finding) {
        return finding.at("/deletion_watch/version").asLong();
    }
}
