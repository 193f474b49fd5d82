package io.deletionwatch.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.kibana.assets.TemplateFields;
import io.deletionwatch.kibana.query.Kql;
import io.deletionwatch.kibana.query.SavedObjectsFile;
import io.deletionwatch.kibana.query.SavedObjectsFile.LensLayer;
import io.deletionwatch.kibana.setup.AlertRuleTemplate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every field a panel, saved search, control or rule uses is mapped by the index template of the
 * data it reads, with a type that supports what it does with it: terms on keyword, ip, boolean or
 * numbers; date histograms on dates; sums on numbers; KQL on mapped fields.
 */
class AssetFieldsTest {
    private static final Set<String> TERMS_TYPES = Set.of("keyword", "ip", "boolean", "long", "float");
    private static final Set<String> NUMBERS = Set.of("long", "float");
    private static final Pattern MUSTACHE_SOURCE = Pattern.compile("\\{\\{_source\\.([A-Za-z0-9_.@]+)}}");

    private final SavedObjectsFile file = SavedObjectsFile.load();

    @Test
    void lensColumnsUseMappedFieldsOfTheRightType() {
        for (LensLayer layer : file.lensLayers()) {
            TemplateFields fields = TemplateFields.forPattern(layer.pattern());
            for (JsonNode column : layer.columns()) {
                String operation = column.path("operationType").asText();
                String field = column.path("sourceField").asText();
                String what = layer + ": " + operation + " on " + field;
                if (operation.equals("count")) {
                    assertThat(field).as(what).isEqualTo("___records___");
                    continue;
                }
                String type = fields.type(field).orElse("unmapped");
                switch (operation) {
                    case "terms" -> {
                        assertThat(type).as(what).isIn(TERMS_TYPES);
                        assertThat(column.path("dataType").asText()).as(what).isEqualTo(fields.lensDataType(field));
                    }
                    case "date_histogram" -> assertThat(type).as(what).isEqualTo("date");
                    case "unique_count" -> assertThat(type).as(what).isIn(TERMS_TYPES);
                    case "sum", "max", "min", "average" -> assertThat(type).as(what).isIn(NUMBERS);
                    default -> throw new AssertionError("unchecked operation " + what);
                }
            }
        }
    }

    @Test
    void kqlInPanelsAndColumnFiltersNamesMappedFields() {
        for (LensLayer layer : file.lensLayers()) {
            TemplateFields fields = TemplateFields.forPattern(layer.pattern());
            assertMapped(layer + " query", Kql.parse(layer.kql()).fields(), fields);
            for (JsonNode column : layer.columns()) {
                if (column.has("filter")) {
                    assertMapped(layer + " column filter",
                            Kql.parse(column.path("filter").path("query").asText()).fields(), fields);
                }
            }
        }
    }

    @Test
    void savedSearchColumnsSortsAndQueriesUseMappedFields() {
        for (JsonNode search : file.ofType("search")) {
            String dataView = SavedObjectsFile.reference(search, "kibanaSavedObjectMeta.searchSourceJSON.index")
                    .orElseThrow();
            TemplateFields fields = TemplateFields.forPattern(file.pattern(dataView));
            String what = "saved search " + search.path("id").asText();
            Set<String> columns = new TreeSet<>();
            search.path("attributes").path("columns").forEach(c -> columns.add(c.asText()));
            assertMapped(what + " columns", columns, fields);
            for (JsonNode sort : search.path("attributes").path("sort")) {
                assertThat(fields.isAggregatable(sort.get(0).asText())).as(what + " sorts on " + sort).isTrue();
                assertThat(sort.get(1).asText()).isIn("asc", "desc");
            }
            JsonNode source = SavedObjectsFile.parse(
                    search.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
            assertMapped(what + " query", Kql.parse(source.path("query").path("query").asText()).fields(), fields);
        }
    }

    @Test
    void controlsAndDataViewTimeFieldsUseMappedFields() {
        for (JsonNode dataView : file.ofType("index-pattern")) {
            TemplateFields fields = TemplateFields.forPattern(dataView.path("attributes").path("title").asText());
            assertThat(fields.type(dataView.path("attributes").path("timeFieldName").asText())).contains("date");
        }
        for (JsonNode dashboard : file.ofType("dashboard")) {
            JsonNode group = dashboard.path("attributes").path("controlGroupInput");
            if (group.isMissingNode()) {
                continue;
            }
            SavedObjectsFile.parse(group.path("panelsJSON").asText()).properties().forEach(control -> {
                String dataView = SavedObjectsFile.reference(dashboard,
                        "controlGroup_" + control.getKey() + ":optionsListDataView").orElseThrow();
                String field = control.getValue().path("explicitInput").path("fieldName").asText();
                assertThat(TemplateFields.forPattern(file.pattern(dataView)).type(field))
                        .as("control on " + field).contains("keyword");
            });
        }
    }

    @Test
    void alertRulesQueryAndQuoteMappedFields() {
        TemplateFields fields = TemplateFields.findings();
        for (String asset : KibanaAssets.ALERT_RULES) {
            JsonNode rule = AlertRuleTemplate.parse(KibanaAssets.read(asset));
            JsonNode params = rule.path("params");
            assertThat(params.path("index")).extracting(JsonNode::asText)
                    .containsExactly(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN);
            assertThat(fields.type(params.path("timeField").asText())).as(asset + " timeField").contains("date");
            Set<String> queried = new TreeSet<>();
            collectQueryFields(SavedObjectsFile.parse(params.path("esQuery").asText()).path("query"), queried);
            assertThat(queried).isNotEmpty();
            assertMapped(asset + " query", queried, fields);
            Set<String> quoted = new TreeSet<>();
            Matcher m = MUSTACHE_SOURCE.matcher(new String(KibanaAssets.read(asset), StandardCharsets.UTF_8));
            while (m.find()) {
                quoted.add(m.group(1));
            }
            assertThat(quoted).contains("message", "deletion_watch.caller", "azure.resource.id", "event.id");
            assertMapped(asset + " messages", quoted, fields);
        }
    }

    @Test
    void detectionRulesUseMappedFields() {
        TemplateFields fields = TemplateFields.findings();
        for (JsonNode rule : DetectionRulesTest.rules()) {
            String what = "detection rule " + rule.path("name").asText();
            assertMapped(what + " query", Kql.parse(rule.path("query").asText()).fields(), fields);
            assertThat(fields.type(rule.path("timestamp_override").asText())).as(what).contains("date");
            assertThat(fields.type(rule.path("rule_name_override").asText())).as(what).isPresent();
            rule.path("severity_mapping").forEach(m ->
                    assertThat(fields.type(m.path("field").asText())).as(what).contains("keyword"));
            rule.path("risk_score_mapping").forEach(m ->
                    assertThat(fields.isNumeric(m.path("field").asText())).as(what).isTrue());
        }
    }

    private static void assertMapped(String what, Set<String> used, TemplateFields fields) {
        for (String field : used) {
            assertThat(fields.type(field)).as("%s uses %s, which the index template does not map", what, field)
                    .isPresent();
        }
    }

    /** The fields of term, terms, range, exists and match clauses, at any depth. */
    private static void collectQueryFields(JsonNode query, Set<String> fields) {
        if (query.isObject()) {
            query.properties().forEach(e -> {
                if (List.of("term", "terms", "range", "match", "match_phrase").contains(e.getKey())) {
                    e.getValue().fieldNames().forEachRemaining(fields::add);
                } else if (e.getKey().equals("exists")) {
                    fields.add(e.getValue().path("field").asText());
                } else {
                    collectQueryFields(e.getValue(), fields);
                }
            });
        } else if (query.isArray()) {
            query.forEach(q -> collectQueryFields(q, fields));
        }
    }
}
