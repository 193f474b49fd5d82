package io.deletionwatch.kibana.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import io.deletionwatch.kibana.query.SavedObjectsFile;
import io.deletionwatch.kibana.query.SavedObjectsFile.LensLayer;
import io.deletionwatch.kibana.query.SearchBodies;
import io.deletionwatch.kibana.setup.AlertRuleTemplate;
import io.deletionwatch.kibana.setup.Setup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestFactory;

/**
 * What the dashboards, saved searches, controls, drill-downs and rules run, translated into the
 * equivalent Elasticsearch searches and run against the real node holding findings and dead
 * letters: every one returns the expected, non-empty results.
 */
class AssetQueriesAgainstElasticsearchITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = RealElasticsearch.NODE;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SavedObjectsFile FILE = SavedObjectsFile.load();

    private static String findings;
    private static String deadLetters;
    private static List<ObjectNode> fixtures;

    @BeforeAll
    static void indexFindingsAndDeadLetters() {
        String url = RealElasticsearch.url();
        int code = Setup.run(new String[] {"--es-url", url}, new PrintStream(OutputStream.nullOutputStream()),
                System.err, Map.of());
        assertThat(code).as("setup installs the templates").isZero();
        String namespace = RealElasticsearch.uniqueNamespace();
        findings = "logs-deletion_watch.findings-" + namespace;
        deadLetters = "logs-deletion_watch.deadletter-" + namespace;
        Instant now = Instant.now();
        fixtures = FindingFixtures.findings(now);
        RealElasticsearch.index(findings, fixtures);
        RealElasticsearch.index(deadLetters, FindingFixtures.deadLetters(now));
    }

    private static String index(String pattern) {
        return pattern.equals(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN) ? findings : deadLetters;
    }

    /** The dashboard's time range, or the panel's own, as a filter on the data view's time field. */
    private static ObjectNode timeRange(LensLayer layer) {
        JsonNode panelRange = layer.panel().path("embeddableConfig").path("timeRange");
        String from = panelRange.isMissingNode()
                ? FILE.get("dashboard", layer.dashboardId()).path("attributes").path("timeFrom").asText()
                : panelRange.path("from").asText();
        ObjectNode range = MAPPER.createObjectNode();
        range.putObject("range").putObject("@timestamp").put("gte", from).put("lte", "now");
        return range;
    }

    private static List<List<Double>> run(LensLayer layer, List<ObjectNode> extraFilters) {
        List<ObjectNode> filters = new ArrayList<>(extraFilters);
        filters.add(timeRange(layer));
        JsonNode response = RealElasticsearch.search(index(layer.pattern()), SearchBodies.lensLayer(layer, filters));
        return SearchBodies.lensRows(layer, response);
    }

    @TestFactory
    Stream<DynamicTest> everyLensPanelShowsRowsWithValues() {
        return FILE.lensLayers().stream().map(layer -> dynamicTest(layer.toString(), () -> {
            List<List<Double>> rows = run(layer, List.of());
            assertThat(rows).as(layer.toString()).isNotEmpty();
            assertThat(rows).allSatisfy(row -> assertThat(row).allSatisfy(v -> assertThat(v).isPositive()));
        }));
    }

    @Test
    void theHeadlineNumbersAreExact() {
        assertThat(metric("deletion-watch-overview", "Critical findings, last 24 hours"))
                .as("critical, allowlisted callers left out").isEqualTo(4);
        assertThat(metric("deletion-watch-overview", "High findings, last 24 hours")).isEqualTo(3);
        assertThat(metric("deletion-watch-overview", "Findings")).isEqualTo(fixtures.size());
        assertThat(metric("deletion-watch-nsg", "Subnets and NICs left unprotected")).isEqualTo(2);
        assertThat(metric("deletion-watch-mass-deletion-and-log-tampering", "Resources deleted in bursts"))
                .isEqualTo(55);
        assertThat(metric("deletion-watch-pipeline-health", "Rules that fired")).isEqualTo(7);
        assertThat(metric("deletion-watch-pipeline-health", "Dead letters")).isEqualTo(3);
        assertThat(metric("deletion-watch-investigation", "Source IPs")).isEqualTo(5);
    }

    private static double metric(String dashboardId, String title) {
        LensLayer layer = FILE.lensLayers().stream()
                .filter(l -> l.dashboardId().equals(dashboardId) && l.title().equals(title))
                .findFirst().orElseThrow(() -> new AssertionError("no panel " + title));
        return run(layer, List.of()).get(0).get(0);
    }

    @Test
    void ruleChangesOpeningInboundFromAnySourceComeFirst() {
        LensLayer layer = FILE.lensLayers().stream()
                .filter(l -> l.title().equals("NSG rule changes, inbound from any source first"))
                .findFirst().orElseThrow();
        List<ObjectNode> filters = List.of(timeRange(layer));
        JsonNode response = RealElasticsearch.search(findings, SearchBodies.lensLayer(layer, filters));
        assertThat(SearchBodies.firstKey(response)).isEqualTo("true");

        JsonNode search = FILE.get("search", "deletion-watch-search-nsg-rule-changed");
        JsonNode hits = RealElasticsearch.search(findings, SearchBodies.savedSearch(search, layer.pattern()))
                .path("hits").path("hits");
        assertThat(hits.get(0).at("/_source/deletion_watch/nsg_rule/opens_inbound_from_any").asBoolean()).isTrue();
        assertThat(hits.get(1).at("/_source/deletion_watch/nsg_rule/opens_inbound_from_any").asBoolean()).isFalse();
    }

    @TestFactory
    Stream<DynamicTest> everySavedSearchFindsItsDocumentsWithEveryColumnFilled() {
        return FILE.ofType("search").stream().map(search -> dynamicTest(search.path("id").asText(), () -> {
            String dataView = SavedObjectsFile.reference(search, "kibanaSavedObjectMeta.searchSourceJSON.index")
                    .orElseThrow();
            String pattern = FILE.pattern(dataView);
            JsonNode hits = RealElasticsearch.search(index(pattern), SearchBodies.savedSearch(search, pattern))
                    .path("hits").path("hits");
            assertThat(hits.size()).isPositive();
            for (JsonNode column : search.path("attributes").path("columns")) {
                boolean filled = false;
                for (JsonNode hit : hits) {
                    filled |= !values(hit.path("_source"), column.asText()).isEmpty();
                }
                assertThat(filled).as("%s: column %s has a value", search.path("id").asText(), column.asText())
                        .isTrue();
            }
            String id = search.path("id").asText();
            if (id.startsWith("deletion-watch-search-") && !id.endsWith("all-findings") && !id.endsWith("dead-letters")) {
                String ruleId = id.substring("deletion-watch-search-".length());
                assertThat(hits).allSatisfy(h -> assertThat(h.at("/_source/rule/id").asText()).isEqualTo(ruleId));
            }
        }));
    }

    @Test
    void theAlertRulesFindTheNewCriticalAndHighFindingsButNotAllowlistedCallers() {
        Map<String, ObjectNode> rules = Map.of(
                "critical", AlertRuleTemplate.parse(KibanaAssets.read("alert-rules/deletion-watch-critical-findings.json")),
                "high", AlertRuleTemplate.parse(KibanaAssets.read("alert-rules/deletion-watch-high-findings.json")));
        for (Map.Entry<String, ObjectNode> rule : rules.entrySet()) {
            JsonNode hits = RealElasticsearch.search(findings, SearchBodies.alertRule(rule.getValue()))
                    .path("hits").path("hits");
            Set<String> expected = new HashSet<>();
            for (ObjectNode f : fixtures) {
                if (f.at("/deletion_watch/severity").asText().equals(rule.getKey())
                        && !f.at("/deletion_watch/allowlisted").asBoolean()) {
                    expected.add(f.at("/event/id").asText());
                }
            }
            Set<String> found = new HashSet<>();
            hits.forEach(h -> found.add(h.at("/_source/event/id").asText()));
            assertThat(found).as(rule.getKey()).isNotEmpty().isEqualTo(expected);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDetectionRuleFindsExactlyItsRulesFindings() {
        List<JsonNode> rules = new ArrayList<>();
        new String(KibanaAssets.read(KibanaAssets.DETECTION_RULES), StandardCharsets.UTF_8).lines()
                .forEach(l -> rules.add(SavedObjectsFile.parse(l)));
        return rules.stream().map(rule -> dynamicTest(rule.path("name").asText(), () -> {
            JsonNode hits = RealElasticsearch.search(findings, SearchBodies.detectionRule(rule)).path("hits").path("hits");
            String ruleId = rule.path("query").asText().replaceAll(".*rule\\.id:\"([a-z-]+)\".*", "$1");
            long expected = fixtures.stream()
                    .filter(f -> f.at("/rule/id").asText().equals(ruleId))
                    .filter(f -> !f.at("/deletion_watch/allowlisted").asBoolean())
                    .count();
            assertThat(hits.size()).isPositive().isEqualTo((int) expected);
            assertThat(hits).allSatisfy(h -> assertThat(h.at("/_source/rule/id").asText()).isEqualTo(ruleId));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyControlOffersValues() {
        JsonNode investigation = FILE.get("dashboard", "deletion-watch-investigation");
        JsonNode controls = SavedObjectsFile.parse(
                investigation.path("attributes").path("controlGroupInput").path("panelsJSON").asText());
        List<String> fields = new ArrayList<>();
        controls.forEach(c -> fields.add(c.path("explicitInput").path("fieldName").asText()));
        return fields.stream().map(field -> dynamicTest(field, () -> {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("size", 0);
            body.putObject("aggs").putObject("values").putObject("terms").put("field", field);
            JsonNode buckets = RealElasticsearch.search(findings, body).at("/aggregations/values/buckets");
            assertThat(buckets.size()).isPositive();
        }));
    }

    @TestFactory
    Stream<DynamicTest> drillingDownOnACallerOrResourceShowsThatCallerOrResourceOnTheInvestigation() {
        List<LensLayer> investigation = FILE.lensLayers().stream()
                .filter(l -> l.dashboardId().equals("deletion-watch-investigation")).toList();
        List<DynamicTest> tests = new ArrayList<>();
        for (LensLayer source : FILE.lensLayers()) {
            JsonNode events = source.panel().at("/embeddableConfig/enhancements/dynamicActions/events");
            if (events.isMissingNode() || events.isEmpty()) {
                continue;
            }
            tests.add(dynamicTest(source.toString(), () -> {
                String field = source.columns().get(0).path("sourceField").asText();
                List<ObjectNode> filters = List.of(timeRange(source));
                JsonNode response = RealElasticsearch.search(index(source.pattern()),
                        SearchBodies.lensLayer(source, filters));
                String value = SearchBodies.firstKey(response);
                assertThat(value).as("a value to click").isNotEmpty();
                ObjectNode clicked = MAPPER.createObjectNode();
                clicked.putObject("term").put(field, value);
                for (LensLayer target : investigation) {
                    assertThat(run(target, List.of(clicked)))
                            .as("%s filtered on %s = %s", target, field, value).isNotEmpty();
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(8);
        return tests.stream();
    }

    @Test
    void theNodeSeesEveryPanelFieldAsAggregatableAsKibanaWill() {
        JsonNode caps = RealElasticsearch.get("/" + findings + "," + deadLetters + "/_field_caps?fields=*").path("fields");
        for (LensLayer layer : FILE.lensLayers()) {
            for (JsonNode column : layer.columns()) {
                String field = column.path("sourceField").asText();
                if (field.equals("___records___")) {
                    continue;
                }
                JsonNode fieldCaps = caps.path(field);
                assertThat(fieldCaps.isObject()).as("%s: %s is in the data", layer, field).isTrue();
                fieldCaps.forEach(type -> assertThat(type.path("aggregatable").asBoolean())
                        .as("%s: %s is aggregatable", layer, field).isTrue());
            }
        }
    }

    /** The values at a dotted path, through arrays of objects. */
    private static List<JsonNode> values(JsonNode node, String path) {
        List<JsonNode> current = List.of(node);
        for (String key : path.split("\\.")) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                JsonNode child = n.path(key);
                if (child.isArray()) {
                    child.forEach(next::add);
                } else if (!child.isMissingNode() && !child.isNull()) {
                    next.add(child);
                }
            }
            current = next;
        }
        return current;
    }
}
