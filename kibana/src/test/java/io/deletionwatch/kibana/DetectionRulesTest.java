package io.deletionwatch.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.kibana.query.Kql;
import io.deletionwatch.kibana.query.SavedObjectsFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The detection rules file is what Elastic Security's rule import takes: one query rule per
 * {@code rule.id}, with the fields and formats of the rule API (as elastic/detection-rules' API
 * schemas state them) and the ATT&CK mapping of the finding contract.
 */
class DetectionRulesTest {
    private static final Set<String> REQUIRED =
            Set.of("author", "description", "language", "name", "query", "risk_score", "rule_id", "severity",
                    "type");
    private static final Set<String> ALLOWED =
            Set.of("rule_id", "version", "name", "description", "type", "language", "index", "query", "enabled",
                    "interval", "from", "to", "max_signals", "timestamp_override", "severity", "risk_score",
                    "severity_mapping", "risk_score_mapping", "rule_name_override", "author", "license", "tags",
                    "false_positives", "note", "threat", "references", "setup", "investigation_fields",
                    "related_integrations", "required_fields");
    private static final Map<String, Integer> RISK = Map.of("low", 21, "medium", 47, "high", 73, "critical", 99);
    /** The contract: rule.id to its ATT&CK (sub)techniques. */
    private static final Map<String, Set<String>> TECHNIQUES =
            Map.of(
                    "nsg-deleted", Set.of("T1562.007"),
                    "nsg-rule-changed", Set.of("T1562.007"),
                    "nsg-disassociated-then-deleted", Set.of("T1562.007"),
                    "nsg-forced-deletion", Set.of("T1562.007"),
                    "mass-deletion", Set.of("T1485"),
                    "logging-disabled", Set.of("T1562.008"),
                    "logging-disabled-then-deletion", Set.of("T1562.008", "T1485"));

    static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        new String(KibanaAssets.read(KibanaAssets.DETECTION_RULES), StandardCharsets.UTF_8)
                .lines()
                .forEach(line -> rules.add(SavedObjectsFile.parse(line)));
        return rules;
    }

    @Test
    void thereIsOneQueryRulePerFindingRule() {
        Map<String, JsonNode> byRuleId = new HashMap<>();
        for (JsonNode rule : rules()) {
            Kql query = Kql.parse(rule.path("query").asText());
            assertThat(query).isInstanceOf(Kql.And.class);
            List<Kql> clauses = ((Kql.And) query).clauses();
            assertThat(clauses).contains(new Kql.Match("event.kind", List.of("alert"), false));
            Kql.Match ruleClause = clauses.stream()
                    .filter(c -> c instanceof Kql.Match m && m.field().equals("rule.id"))
                    .map(Kql.Match.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(ruleClause.values()).hasSize(1);
            assertThat(byRuleId.put(ruleClause.values().get(0), rule)).as("one rule per rule.id").isNull();
        }
        assertThat(byRuleId.keySet()).containsExactlyInAnyOrderElementsOf(SavedObjectsTest.RULE_IDS);
    }

    @Test
    void rulesHaveTheFieldsAndFormatsOfTheRuleApi() {
        Set<String> ruleIds = new HashSet<>();
        for (JsonNode rule : rules()) {
            Set<String> keys = new HashSet<>();
            rule.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsAll(REQUIRED).isSubsetOf(ALLOWED);
            assertThat(rule.path("rule_id").asText())
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(ruleIds.add(rule.path("rule_id").asText())).isTrue();
            assertThat(rule.path("name").asText()).matches("[a-zA-Z0-9].+?[a-zA-Z0-9()]");
            assertThat(rule.path("type").asText()).isEqualTo("query");
            assertThat(rule.path("language").asText()).isEqualTo("kuery");
            assertThat(rule.path("index")).extracting(JsonNode::asText)
                    .containsExactly(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN);
            assertThat(rule.path("interval").asText()).matches("\\d+[mshd]");
            assertThat(rule.path("from").asText()).matches("now-\\d+[mshd]");
            assertThat(rule.path("version").asInt()).isPositive();
            assertThat(rule.path("max_signals").asInt()).isPositive();
            String severity = rule.path("severity").asText();
            assertThat(RISK).containsKey(severity);
            assertThat(rule.path("risk_score").asInt()).isEqualTo(RISK.get(severity));
            assertThat(rule.path("severity_mapping")).extracting(m -> m.path("severity").asText())
                    .containsExactlyInAnyOrder("low", "medium", "high", "critical");
            assertThat(rule.path("author").size()).isPositive();
        }
    }

    @Test
    void rulesAreMappedToAttackAsTheFindingContractSays() {
        for (JsonNode rule : rules()) {
            String ruleId = ((Kql.Match) ((Kql.And) Kql.parse(rule.path("query").asText())).clauses().get(1))
                    .values().get(0);
            Set<String> techniques = new HashSet<>();
            for (JsonNode threat : rule.path("threat")) {
                assertThat(threat.path("framework").asText()).isEqualTo("MITRE ATT&CK");
                JsonNode tactic = threat.path("tactic");
                assertThat(tactic.path("id").asText()).matches("TA\\d{4}");
                assertThat(tactic.path("reference").asText())
                        .isEqualTo("https://attack.mitre.org/tactics/" + tactic.path("id").asText() + "/");
                for (JsonNode technique : threat.path("technique")) {
                    String id = technique.path("id").asText();
                    assertThat(technique.path("reference").asText())
                            .isEqualTo("https://attack.mitre.org/techniques/" + id + "/");
                    assertThat(technique.path("name").asText()).isNotBlank();
                    if (!technique.has("subtechnique")) {
                        techniques.add(id);
                    }
                    for (JsonNode sub : technique.path("subtechnique")) {
                        assertThat(sub.path("id").asText()).startsWith(id + ".");
                        assertThat(sub.path("reference").asText())
                                .matches("https://attack.mitre.org/techniques/T\\d+/\\d+/");
                        techniques.add(sub.path("id").asText());
                    }
                }
            }
            assertThat(techniques).as(ruleId).isEqualTo(TECHNIQUES.get(ruleId));
        }
    }
}
