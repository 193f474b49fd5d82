package io.deletionwatch.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.kibana.query.Kql;
import io.deletionwatch.kibana.query.SavedObjectsFile;
import io.deletionwatch.kibana.query.SavedObjectsFile.LensLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The saved objects file is what Kibana's import API takes: one object a line, the encoded string
 * fields encoded, every reference resolvable inside the file, only Lens (by value) and saved
 * searches on the dashboards, and the dashboards the analysts were promised.
 */
class SavedObjectsTest {
    /** The job's fixed rule ids (the finding contract). */
    static final List<String> RULE_IDS =
            List.of(
                    "nsg-deleted",
                    "nsg-rule-changed",
                    "nsg-disassociated-then-deleted",
                    "nsg-forced-deletion",
                    "mass-deletion",
                    "logging-disabled",
                    "logging-disabled-then-deletion");

    /** Kibana 8.9, the oldest we support, knows these versions; newer Kibanas migrate from them. */
    static final Map<String, String> TYPE_MIGRATION_VERSIONS =
            Map.of("index-pattern", "8.0.0", "search", "8.0.0", "dashboard", "8.9.0");

    static final Map<String, List<String>> ENCODED_FIELDS =
            Map.of(
                    "index-pattern",
                    List.of("fields", "fieldAttrs", "fieldFormatMap", "runtimeFieldMap", "sourceFilters",
                            "typeMeta"),
                    "search",
                    List.of("kibanaSavedObjectMeta.searchSourceJSON"),
                    "dashboard",
                    List.of("panelsJSON", "optionsJSON", "kibanaSavedObjectMeta.searchSourceJSON"));

    static final Set<String> LENS_TYPES = Set.of("lnsXY", "lnsMetric", "lnsDatatable");

    private final SavedObjectsFile file = SavedObjectsFile.load();

    @Test
    void everyLineIsOneSavedObjectAtTheOldestSupportedVersion() {
        assertThat(file.lines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{"));
        Set<String> keys = new HashSet<>();
        for (JsonNode object : file.objects()) {
            String type = object.path("type").asText();
            assertThat(TYPE_MIGRATION_VERSIONS).as("known type").containsKey(type);
            assertThat(object.path("id").asText()).as("id").matches("[a-z0-9-]+");
            assertThat(keys.add(type + "/" + object.path("id").asText())).as("unique id").isTrue();
            assertThat(object.path("attributes").isObject()).isTrue();
            assertThat(object.path("attributes").path("title").asText()).isNotBlank();
            assertThat(object.path("references").isArray()).isTrue();
            assertThat(object.path("coreMigrationVersion").asText()).isEqualTo("8.8.0");
            assertThat(object.path("typeMigrationVersion").asText())
                    .isEqualTo(TYPE_MIGRATION_VERSIONS.get(type));
            assertThat(object.has("migrationVersion")).as("legacy migrationVersion").isFalse();
        }
    }

    @Test
    void encodedFieldsAreStringsThatParseAsJson() {
        for (JsonNode object : file.objects()) {
            for (String path : ENCODED_FIELDS.get(object.path("type").asText())) {
                JsonNode value = object.path("attributes").at("/" + path.replace('.', '/'));
                assertThat(value.isTextual()).as("%s %s is a string", object.path("id").asText(), path).isTrue();
                assertThatCode(() -> SavedObjectsFile.parse(value.asText())).doesNotThrowAnyException();
            }
            JsonNode controls = object.path("attributes").path("controlGroupInput");
            if (!controls.isMissingNode()) {
                for (String path : List.of("panelsJSON", "ignoreParentSettingsJSON")) {
                    assertThat(controls.path(path).isTextual()).isTrue();
                    SavedObjectsFile.parse(controls.path(path).asText());
                }
            }
        }
    }

    @Test
    void everyReferenceResolvesToAnObjectInTheFile() {
        for (JsonNode object : file.objects()) {
            Set<String> names = new HashSet<>();
            for (JsonNode ref : object.path("references")) {
                assertThat(names.add(ref.path("name").asText()))
                        .as("reference names unique in %s", object.path("id").asText())
                        .isTrue();
                assertThat(file.find(ref.path("type").asText(), ref.path("id").asText()))
                        .as("%s references %s %s", object.path("id").asText(), ref.path("type").asText(),
                                ref.path("id").asText())
                        .isPresent();
            }
        }
    }

    @Test
    void savedSearchesReachTheirDataViewThroughIndexRefName() {
        for (JsonNode search : file.ofType("search")) {
            JsonNode source = SavedObjectsFile.parse(
                    search.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
            String refName = source.path("indexRefName").asText();
            assertThat(refName).isEqualTo("kibanaSavedObjectMeta.searchSourceJSON.index");
            assertThat(SavedObjectsFile.reference(search, refName)).isPresent();
            assertThat(source.path("query").path("language").asText()).isEqualTo("kuery");
            assertThat(search.path("attributes").path("columns").size()).isGreaterThan(3);
        }
        for (JsonNode dashboard : file.ofType("dashboard")) {
            JsonNode source = SavedObjectsFile.parse(
                    dashboard.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
            if (source.has("indexRefName")) {
                assertThat(SavedObjectsFile.reference(dashboard, source.path("indexRefName").asText())).isPresent();
            }
        }
    }

    @Test
    void dashboardsHoldOnlyLensByValueAndSavedSearchesNeverLegacyVisualizations() {
        assertThat(file.ofType("visualization")).isEmpty();
        for (JsonNode dashboard : file.ofType("dashboard")) {
            for (JsonNode panel : SavedObjectsFile.panels(dashboard)) {
                String type = panel.path("type").asText();
                assertThat(type).as("panel type").isIn("lens", "search");
                JsonNode config = panel.path("embeddableConfig");
                assertThat(config.has("savedVis")).as("legacy visualization by value").isFalse();
                if (type.equals("lens")) {
                    assertThat(panel.has("panelRefName")).as("lens by value").isFalse();
                    JsonNode attributes = config.path("attributes");
                    assertThat(attributes.path("visualizationType").asText()).isIn(LENS_TYPES);
                    assertThat(attributes.path("state").path("datasourceStates").path("formBased").path("layers")
                                    .size())
                            .isEqualTo(1);
                } else {
                    String refName = panel.path("panelRefName").asText();
                    assertThat(SavedObjectsFile.reference(dashboard, panel.path("panelIndex").asText() + ":" + refName))
                            .as("saved search panel reference")
                            .isPresent();
                }
            }
        }
    }

    @Test
    void everyLensLayerReachesItsDataViewThroughTheDashboardsReferences() {
        List<LensLayer> layers = file.lensLayers();
        assertThat(layers).hasSizeGreaterThan(30);
        for (LensLayer layer : layers) {
            assertThat(file.find("index-pattern", layer.dataViewId())).as(layer.toString()).isPresent();
            JsonNode attributes = layer.panel().path("embeddableConfig").path("attributes");
            assertThat(SavedObjectsFile.reference(attributes, "indexpattern-datasource-layer-" + layer.layerId()))
                    .as("%s: the layer reference inside the attributes", layer)
                    .contains(layer.dataViewId());
        }
    }

    @Test
    void everyDashboardReferenceIsUsedByAPanelAControlOrADrilldown() {
        for (JsonNode dashboard : file.ofType("dashboard")) {
            Set<String> used = new HashSet<>();
            for (JsonNode panel : SavedObjectsFile.panels(dashboard)) {
                String index = panel.path("panelIndex").asText();
                if (panel.has("panelRefName")) {
                    used.add(index + ":" + panel.path("panelRefName").asText());
                }
                panel.path("embeddableConfig").path("attributes").path("state").path("datasourceStates")
                        .path("formBased").path("layers").fieldNames()
                        .forEachRemaining(l -> used.add(index + ":indexpattern-datasource-layer-" + l));
                for (JsonNode event : drilldowns(panel)) {
                    used.add(index + ":drilldown:DASHBOARD_TO_DASHBOARD_DRILLDOWN:"
                            + event.path("eventId").asText() + ":dashboardId");
                }
            }
            JsonNode controls = dashboard.path("attributes").path("controlGroupInput");
            if (controls.has("panelsJSON")) {
                SavedObjectsFile.parse(controls.path("panelsJSON").asText())
                        .fieldNames()
                        .forEachRemaining(id -> used.add("controlGroup_" + id + ":optionsListDataView"));
            }
            Set<String> names = new HashSet<>();
            dashboard.path("references").forEach(r -> names.add(r.path("name").asText()));
            assertThat(names).as("references of %s", dashboard.path("id").asText()).isEqualTo(used);
        }
    }

    @Test
    void lensStatesAreConsistent() {
        for (LensLayer layer : file.lensLayers()) {
            JsonNode columns = layer.layer().path("columns");
            Set<String> ids = new HashSet<>();
            columns.fieldNames().forEachRemaining(ids::add);
            assertThat(new HashSet<>(layer.columnIds())).as(layer.toString()).isEqualTo(ids);
            JsonNode vis = layer.panel().path("embeddableConfig").path("attributes").path("state").path("visualization");
            Set<String> accessors = new HashSet<>();
            switch (layer.visualizationType()) {
                case "lnsXY" -> vis.path("layers").forEach(l -> {
                    assertThat(l.path("layerId").asText()).isEqualTo(layer.layerId());
                    l.path("accessors").forEach(a -> accessors.add(a.asText()));
                    accessors.add(l.path("xAccessor").asText());
                    if (l.has("splitAccessor")) {
                        accessors.add(l.path("splitAccessor").asText());
                    }
                });
                case "lnsMetric" -> {
                    assertThat(vis.path("layerId").asText()).isEqualTo(layer.layerId());
                    accessors.add(vis.path("metricAccessor").asText());
                }
                case "lnsDatatable" -> {
                    assertThat(vis.path("layerId").asText()).isEqualTo(layer.layerId());
                    vis.path("columns").forEach(c -> accessors.add(c.path("columnId").asText()));
                    accessors.add(vis.path("sorting").path("columnId").asText());
                }
                default -> throw new AssertionError(layer.visualizationType());
            }
            assertThat(ids).as("%s: every accessor is a column and every column is shown", layer)
                    .isEqualTo(accessors);
            for (JsonNode column : layer.columns()) {
                JsonNode orderBy = column.path("params").path("orderBy");
                if (orderBy.path("type").asText().equals("column")) {
                    assertThat(ids).contains(orderBy.path("columnId").asText());
                }
                if (column.has("filter")) {
                    assertThat(column.path("filter").path("language").asText()).isEqualTo("kuery");
                    Kql.parse(column.path("filter").path("query").asText());
                }
            }
            Kql.parse(layer.kql());
        }
    }

    @Test
    void panelsFitTheGridWithoutOverlapping() {
        for (JsonNode dashboard : file.ofType("dashboard")) {
            Set<String> cells = new HashSet<>();
            Set<String> indexes = new HashSet<>();
            for (JsonNode panel : SavedObjectsFile.panels(dashboard)) {
                JsonNode grid = panel.path("gridData");
                int x = grid.path("x").asInt();
                int y = grid.path("y").asInt();
                int w = grid.path("w").asInt();
                int h = grid.path("h").asInt();
                assertThat(grid.path("i").asText()).isEqualTo(panel.path("panelIndex").asText());
                assertThat(indexes.add(panel.path("panelIndex").asText())).isTrue();
                assertThat(x).isNotNegative();
                assertThat(w).isPositive();
                assertThat(h).isPositive();
                assertThat(x + w).isLessThanOrEqualTo(48);
                for (int cx = x; cx < x + w; cx++) {
                    for (int cy = y; cy < y + h; cy++) {
                        assertThat(cells.add(cx + "," + cy))
                                .as("panels overlap in %s", dashboard.path("id").asText())
                                .isTrue();
                    }
                }
            }
        }
    }

    @Test
    void dataViewsCoverTheFindingsAndTheDeadLetters() {
        Map<String, String> titles = new HashMap<>();
        for (JsonNode dataView : file.ofType("index-pattern")) {
            JsonNode a = dataView.path("attributes");
            titles.put(a.path("title").asText(), a.path("timeFieldName").asText());
            assertThat(a.path("name").asText()).isNotBlank();
        }
        assertThat(titles)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "logs-deletion_watch.findings-*", "@timestamp",
                        "logs-deletion_watch.deadletter-*", "@timestamp"));
    }

    @Test
    void everyRuleHasASavedSearchSelectingItsFindings() {
        Map<String, JsonNode> byRule = new HashMap<>();
        for (JsonNode search : file.ofType("search")) {
            JsonNode source = SavedObjectsFile.parse(
                    search.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
            Kql query = Kql.parse(source.path("query").path("query").asText());
            if (query instanceof Kql.Match m && m.field().equals("rule.id")) {
                assertThat(m.values()).hasSize(1);
                byRule.put(m.values().get(0), search);
            }
        }
        assertThat(byRule.keySet()).containsExactlyInAnyOrderElementsOf(RULE_IDS);
        byRule.values().forEach(search ->
                assertThat(search.path("attributes").path("columns")).extracting(JsonNode::asText)
                        .contains("deletion_watch.caller"));
        assertThat(byRule.get("nsg-rule-changed").path("attributes").path("sort").get(0).get(0).asText())
                .as("rule changes opening inbound from any source come first")
                .isEqualTo("deletion_watch.nsg_rule.opens_inbound_from_any");
    }

    @Test
    void theOverviewShowsWhatAnAnalystTriagesBy() {
        List<LensLayer> overview = layersOf("deletion-watch-overview");
        assertThat(overview).anySatisfy(l -> assertChart(l, "lnsXY", "date_histogram:@timestamp", "terms:rule.name"));
        assertThat(overview).anySatisfy(l ->
                assertChart(l, "lnsXY", "date_histogram:@timestamp", "terms:deletion_watch.severity"));
        assertThat(overview).anySatisfy(l -> {
            assertThat(l.visualizationType()).isEqualTo("lnsMetric");
            assertThat(l.kql()).contains("deletion_watch.severity:\"critical\"");
        });
        assertThat(overview).anySatisfy(l -> assertChart(l, "lnsDatatable", "terms:deletion_watch.caller"));
        assertThat(overview).anySatisfy(l -> assertChart(l, "lnsDatatable", "terms:azure.subscription_id"));
        assertThat(overview).anySatisfy(l -> assertChart(l, "lnsDatatable", "terms:azure.resource.group"));
        assertThat(searchPanels("deletion-watch-overview")).contains("deletion-watch-search-all-findings");
        JsonNode latest = file.get("search", "deletion-watch-search-all-findings");
        assertThat(latest.path("attributes").path("columns")).extracting(JsonNode::asText)
                .contains("deletion_watch.severity", "rule.name", "message", "deletion_watch.caller", "azure.resource.group",
                        "cloud.account.id", "source.address");
    }

    @Test
    void theNsgDashboardShowsDeletionsUnprotectedSubnetsAndRuleChangesOpeningInboundFirst() {
        List<LensLayer> nsg = layersOf("deletion-watch-nsg");
        assertThat(nsg).anySatisfy(l -> {
            assertThat(l.kql()).contains("nsg-disassociated-then-deleted").contains("nsg-forced-deletion");
            assertThat(describe(l)).contains("terms:deletion_watch.unprotected_resources");
        });
        assertThat(nsg).anySatisfy(l -> assertThat(l.kql()).isEqualTo("rule.id:\"nsg-deleted\""));
        assertThat(nsg).anySatisfy(l ->
                assertThat(l.kql()).contains("deletion_watch.nsg_rule.opens_inbound_from_any:true"));
        LensLayer changes = nsg.stream().filter(l -> l.kql().equals("rule.id:\"nsg-rule-changed\""))
                .findFirst().orElseThrow();
        JsonNode first = changes.columns().get(0);
        assertThat(first.path("sourceField").asText()).isEqualTo("deletion_watch.nsg_rule.opens_inbound_from_any");
        assertThat(first.path("params").path("orderBy").path("type").asText()).isEqualTo("alphabetical");
        assertThat(first.path("params").path("orderDirection").asText()).as("true before false").isEqualTo("desc");
    }

    @Test
    void theMassDeletionDashboardShowsBurstsPerCallerResourceTypesAndLoggingDisabled() {
        List<LensLayer> mass = layersOf("deletion-watch-mass-deletion-and-log-tampering");
        assertThat(mass).anySatisfy(l -> {
            assertThat(l.kql()).isEqualTo("rule.id:\"mass-deletion\"");
            assertThat(describe(l)).contains("terms:deletion_watch.caller", "sum:deletion_watch.count");
        });
        assertThat(mass).anySatisfy(l -> assertThat(describe(l)).contains("terms:deletion_watch.evidence.operation"));
        assertThat(mass).anySatisfy(l -> {
            assertThat(l.kql()).isEqualTo("rule.id:\"logging-disabled-then-deletion\"");
            assertThat(describe(l)).contains("terms:deletion_watch.evidence.resource_id");
        });
    }

    @Test
    void thePipelineHealthDashboardShowsDeadLettersByReasonAndFindingsPerRulePerHour() {
        List<LensLayer> pipeline = layersOf("deletion-watch-pipeline-health");
        assertThat(pipeline).anySatisfy(l -> {
            assertThat(l.pattern()).isEqualTo("logs-deletion_watch.deadletter-*");
            assertChart(l, "lnsXY", "date_histogram:@timestamp", "terms:deletion_watch.dead_letter.reason");
        });
        assertThat(pipeline).anySatisfy(l -> {
            assertChart(l, "lnsXY", "date_histogram:@timestamp", "terms:rule.id");
            assertThat(l.columns()).anySatisfy(c ->
                    assertThat(c.path("params").path("interval").asText()).isEqualTo("1h"));
        });
    }

    @Test
    void callersAndResourcesDrillDownToTheInvestigationDashboard() {
        Set<String> drilledFields = new HashSet<>();
        for (JsonNode dashboard : file.ofType("dashboard")) {
            for (JsonNode panel : SavedObjectsFile.panels(dashboard)) {
                for (JsonNode event : drilldowns(panel)) {
                    assertThat(event.path("triggers")).extracting(JsonNode::asText).containsExactly("FILTER_TRIGGER");
                    assertThat(event.path("action").path("factoryId").asText())
                            .isEqualTo("DASHBOARD_TO_DASHBOARD_DRILLDOWN");
                    assertThat(event.path("action").path("config").path("useCurrentFilters").asBoolean()).isTrue();
                    String refName = panel.path("panelIndex").asText()
                            + ":drilldown:DASHBOARD_TO_DASHBOARD_DRILLDOWN:" + event.path("eventId").asText()
                            + ":dashboardId";
                    assertThat(SavedObjectsFile.reference(dashboard, refName)).contains("deletion-watch-investigation");
                    JsonNode first = file.lensLayers().stream()
                            .filter(l -> l.panelIndex().equals(panel.path("panelIndex").asText()))
                            .findFirst().orElseThrow().columns().get(0);
                    drilledFields.add(first.path("sourceField").asText());
                }
            }
        }
        assertThat(drilledFields).contains("deletion_watch.caller", "azure.resource.group", "azure.resource.name",
                "azure.subscription_id");
        JsonNode investigation = file.get("dashboard", "deletion-watch-investigation");
        JsonNode controls = SavedObjectsFile.parse(
                investigation.path("attributes").path("controlGroupInput").path("panelsJSON").asText());
        List<String> controlFields = new ArrayList<>();
        controls.forEach(c -> controlFields.add(c.path("explicitInput").path("fieldName").asText()));
        assertThat(controlFields).containsExactly("deletion_watch.caller", "azure.subscription_id", "azure.resource.group",
                "azure.resource.id");
    }

    private List<LensLayer> layersOf(String dashboardId) {
        List<LensLayer> layers = file.lensLayers().stream().filter(l -> l.dashboardId().equals(dashboardId)).toList();
        assertThat(layers).as("Lens panels of %s", dashboardId).isNotEmpty();
        return layers;
    }

    private List<String> searchPanels(String dashboardId) {
        JsonNode dashboard = file.get("dashboard", dashboardId);
        return SavedObjectsFile.panels(dashboard).stream()
                .filter(p -> p.path("type").asText().equals("search"))
                .map(p -> SavedObjectsFile.reference(dashboard,
                        p.path("panelIndex").asText() + ":" + p.path("panelRefName").asText()).orElseThrow())
                .toList();
    }

    static List<JsonNode> drilldowns(JsonNode panel) {
        List<JsonNode> events = new ArrayList<>();
        panel.path("embeddableConfig").path("enhancements").path("dynamicActions").path("events").forEach(events::add);
        return events;
    }

    /** The layer's columns as {@code operation:field}. */
    static List<String> describe(LensLayer layer) {
        return layer.columns().stream()
                .map(c -> c.path("operationType").asText() + ":" + c.path("sourceField").asText())
                .collect(Collectors.toList());
    }

    private static void assertChart(LensLayer layer, String type, String... columns) {
        assertThat(layer.visualizationType()).isEqualTo(type);
        assertThat(describe(layer)).contains(columns);
    }
}
