package io.deletionwatch.kibana.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.kibana.KibanaAssets;
import io.deletionwatch.kibana.query.SavedObjectsFile;
import io.deletionwatch.kibana.query.SavedObjectsFile.LensLayer;
import io.deletionwatch.kibana.query.SearchBodies;
import io.deletionwatch.kibana.setup.AlertRuleTemplate;
import io.deletionwatch.kibana.setup.Setup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboards and rules over what the job really writes: the findings {@code detect} made of
 * the bundled demo sample (kept equal to the job's output by the job module's {@code
 * KibanaFixtureTest}), their times moved to the last hour, indexed after {@code setup}.
 */
class JobFindingsAgainstElasticsearchITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = RealElasticsearch.NODE;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SavedObjectsFile FILE = SavedObjectsFile.load();
    private static String findings;
    private static List<ObjectNode> documents;

    @BeforeAll
    static void indexTheJobsFindings() throws IOException {
        String url = RealElasticsearch.url();
        int code = Setup.run(new String[] {"--es-url", url}, new PrintStream(OutputStream.nullOutputStream()), System.err, Map.of());
        assertThat(code).isZero();
        findings = "logs-deletion_watch.findings-" + RealElasticsearch.uniqueNamespace();
        documents = new ArrayList<>();
        try (InputStream in = JobFindingsAgainstElasticsearchITCase.class.getResourceAsStream("/job-findings/demo-sample-findings.ndjson")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            Instant newest = lines.stream().map(l -> Instant.parse(parse(l).path("@timestamp").asText())).max(Instant::compareTo).orElseThrow();
            Duration shift = Duration.between(newest, Instant.now().minusSeconds(60));
            for (String line : lines) {
                ObjectNode doc = parse(line);
                doc.put("@timestamp", Instant.parse(doc.path("@timestamp").asText()).plus(shift).toString());
                // What the job's sink adds on the way in; the file holds what detect writes.
                ((ObjectNode) doc.get("event")).put("created", Instant.now().toString()).put("ingested", Instant.now().toString());
                documents.add(doc);
            }
        }
        RealElasticsearch.index(findings, documents);
    }

    private static ObjectNode parse(String line) {
        try {
            return (ObjectNode) MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldHoldOneFindingPerIncidentOfTheSample() {
        assertThat(documents).hasSize(11);
        assertThat(documents.stream().map(d -> d.at("/rule/id").asText()).distinct()).hasSize(7);
    }

    @TestFactory
    Stream<DynamicTest> everyFindingsPanelShowsTheJobsFindings() {
        return FILE.lensLayers().stream()
                .filter(layer -> layer.pattern().equals(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN))
                .map(layer -> dynamicTest(layer.toString(), () -> {
                    ObjectNode range = MAPPER.createObjectNode();
                    range.putObject("range").putObject("@timestamp").put("gte", "now-24h").put("lte", "now");
                    JsonNode response = RealElasticsearch.search(findings, SearchBodies.lensLayer(layer, List.of(range)));
                    assertThat(SearchBodies.lensRows(layer, response)).as(layer.toString()).isNotEmpty();
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyRulesSavedSearchFindsItsFindings() {
        return FILE.ofType("search").stream()
                .filter(s -> s.path("id").asText().startsWith("deletion-watch-search-"))
                .filter(s -> !s.path("id").asText().endsWith("dead-letters"))
                .map(search -> dynamicTest(search.path("id").asText(), () -> {
                    JsonNode hits = RealElasticsearch.search(findings, SearchBodies.savedSearch(search, KibanaAssets.FINDINGS_DATA_STREAM_PATTERN))
                            .path("hits").path("hits");
                    assertThat(hits.size()).as(search.path("id").asText()).isPositive();
                }));
    }

    @Test
    void shouldAlertOnEveryCriticalAndHighFinding() {
        for (String severity : List.of("critical", "high")) {
            ObjectNode rule = AlertRuleTemplate.parse(KibanaAssets.read("alert-rules/deletion-watch-" + severity + "-findings.json"));
            JsonNode hits = RealElasticsearch.search(findings, SearchBodies.alertRule(rule)).path("hits").path("hits");
            long expected = documents.stream().filter(d -> d.at("/deletion_watch/severity").asText().equals(severity)).count();
            assertThat(hits.size()).as(severity).isPositive().isEqualTo((int) expected);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDetectionRuleFindsItsRulesFindings() {
        List<JsonNode> rules = new ArrayList<>();
        new String(KibanaAssets.read(KibanaAssets.DETECTION_RULES), StandardCharsets.UTF_8).lines().forEach(l -> rules.add(SavedObjectsFile.parse(l)));
        return rules.stream().map(rule -> dynamicTest(rule.path("name").asText(), () -> {
            String ruleId = rule.path("query").asText().replaceAll(".*rule\\.id:\"([a-z-]+)\".*", "$1");
            long expected = documents.stream().filter(d -> d.at("/rule/id").asText().equals(ruleId)).count();
            JsonNode hits = RealElasticsearch.search(findings, SearchBodies.detectionRule(rule)).path("hits").path("hits");
            assertThat(hits.size()).as(ruleId).isPositive().isEqualTo((int) expected);
        }));
    }
}
