package io.deletionwatch.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.deletionwatch.kibana.query.SavedObjectsFile;
import io.deletionwatch.kibana.setup.AlertRuleTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The alert rules are valid bodies for Kibana's create-rule API ({@code .es-query} parameters as
 * its schema demands), fire on new critical and high findings, and have one action per channel
 * whose message carries the finding's sentence, caller, resource and a link back.
 */
class AlertRulesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> PLACEHOLDERS =
            Set.of("connector.slack", "connector.pagerduty", "connector.servicenow", "connector.email",
                    "connector.webhook", "email.to", "kibana.url");
    private static final Map<String, String> CHANNEL_MESSAGE =
            Map.of(
                    "slack", "/params/message",
                    "pagerduty", "/params/summary",
                    "servicenow", "/params/subActionParams/incident/description",
                    "email", "/params/message",
                    "webhook", "/params/body");

    static Map<String, ObjectNode> rules() {
        Map<String, ObjectNode> rules = new LinkedHashMap<>();
        for (String asset : KibanaAssets.ALERT_RULES) {
            rules.put(KibanaAssets.alertRuleId(asset), AlertRuleTemplate.parse(KibanaAssets.read(asset)));
        }
        return rules;
    }

    @Test
    void rulesAreEsQueryRulesWithTheParametersKibanaRequires() {
        assertThat(rules()).hasSize(2);
        rules().forEach((id, rule) -> {
            assertThat(id).matches("deletion-watch-[a-z-]+");
            assertThat(rule.path("name").asText()).isNotBlank();
            assertThat(rule.path("rule_type_id").asText()).isEqualTo(".es-query");
            assertThat(rule.path("consumer").asText()).isIn("alerts", "stackAlerts");
            assertThat(rule.path("schedule").path("interval").asText()).matches("\\d+[smhd]");
            JsonNode p = rule.path("params");
            assertThat(p.path("searchType").asText()).isEqualTo("esQuery");
            assertThat(p.path("size").asInt()).isBetween(1, 10000);
            assertThat(p.path("timeWindowSize").asInt()).isPositive();
            assertThat(p.path("timeWindowUnit").asText()).isIn("s", "m", "h", "d");
            assertThat(p.path("threshold").size()).isEqualTo(1);
            assertThat(p.path("thresholdComparator").asText()).isEqualTo(">");
            assertThat(p.path("threshold").get(0).asInt()).as("any new finding fires").isZero();
            assertThat(p.path("aggType").asText()).isEqualTo("count");
            assertThat(p.path("groupBy").asText()).isEqualTo("all");
            assertThat(p.path("excludeHitsFromPreviousRun").asBoolean()).as("only new findings").isTrue();
            assertThat(p.path("timeField").asText()).as("the time the job wrote it").isEqualTo("event.created");
            assertThat(SavedObjectsFile.parse(p.path("esQuery").asText()).has("query")).isTrue();
        });
    }

    @Test
    void oneRuleFiresOnCriticalAndOneOnHighFindingsLeavingAllowlistedCallersOut() {
        List<String> severities = new ArrayList<>();
        rules().values().forEach(rule -> {
            JsonNode bool = SavedObjectsFile.parse(rule.path("params").path("esQuery").asText())
                    .path("query").path("bool");
            bool.path("filter").forEach(f -> {
                if (f.path("term").has("deletion_watch.severity")) {
                    severities.add(f.path("term").path("deletion_watch.severity").asText());
                }
            });
            assertThat(bool.path("filter").toString()).contains("{\"term\":{\"event.kind\":\"alert\"}}");
            assertThat(bool.path("must_not").toString())
                    .contains("{\"term\":{\"deletion_watch.allowlisted\":true}}");
        });
        assertThat(severities).containsExactlyInAnyOrder("critical", "high");
    }

    @Test
    void everyChannelHasAnActionWhoseMessageCarriesSentenceCallerResourceAndLink() {
        rules().forEach((id, rule) -> {
            assertThat(AlertRuleTemplate.placeholders(rule)).isSubsetOf(PLACEHOLDERS);
            List<String> channels = new ArrayList<>();
            for (JsonNode action : rule.path("actions")) {
                String channel = action.path("id").asText().replaceAll("\\$\\{connector\\.(\\w+)}", "$1");
                channels.add(channel);
                assertThat(action.path("group").asText()).isEqualTo("query matched");
                assertThat(action.path("frequency").path("notify_when").asText()).isEqualTo("onActiveAlert");
                String message = action.at(CHANNEL_MESSAGE.get(channel)).asText();
                assertThat(message)
                        .as("%s %s message", id, channel)
                        .contains("{{#context.hits}}", "{{_source.message}}", "{{_source.deletion_watch.caller}}",
                                "{{_source.azure.resource.id}}", "${kibana.url}/app/dashboards#/view/");
            }
            assertThat(channels).containsExactlyInAnyOrder("slack", "pagerduty", "servicenow", "email", "webhook");
        });
    }

    @Test
    void theWebhookBodyIsJsonWhateverTheVariablesHold() {
        rules().forEach((id, rule) -> {
            for (JsonNode action : rule.path("actions")) {
                if (!action.path("id").asText().equals("${connector.webhook}")) {
                    continue;
                }
                String body = action.path("params").path("body").asText()
                        .replaceAll("\\{\\{[#/][^}]+}}", "")
                        .replaceAll("\\{\\{[^}]+}}", "a \\\\\"quoted\\\\\" value");
                JsonNode json = SavedObjectsFile.parse(body);
                assertThat(json.path("source").asText()).isEqualTo("deletion-watch");
                assertThat(json.path("text").asText()).contains("a \"quoted\" value");
            }
        });
    }

    @Test
    void fillingKeepsTheConfiguredChannelsAndLeavesNoPlaceholder() {
        ObjectNode rule = rules().get("deletion-watch-critical-findings");
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("kibana.url", new TextNode("https://kibana.example.com"));
        values.put("connector.slack", new TextNode("slack-1"));
        values.put("connector.email", new TextNode("mail-1"));
        values.put("email.to", MAPPER.createArrayNode().add("soc@example.com").add("oncall@example.com"));

        ObjectNode filled = AlertRuleTemplate.fill(rule, values);

        assertThat(filled.toString()).doesNotContain("${");
        assertThat(filled.path("actions")).extracting(a -> a.path("id").asText()).containsExactly("slack-1", "mail-1");
        JsonNode email = filled.path("actions").get(1).path("params");
        assertThat(email.path("to")).extracting(JsonNode::asText)
                .containsExactly("soc@example.com", "oncall@example.com");
        assertThat(filled.path("actions").get(0).path("params").path("message").asText())
                .contains("https://kibana.example.com/app/dashboards#/view/deletion-watch-overview");
        assertThat(rule.toString()).as("the template itself is untouched").contains("${connector.slack}");
    }

    @Test
    void fillingWithNoChannelLeavesARuleWithoutActions() {
        ObjectNode filled = AlertRuleTemplate.fill(rules().get("deletion-watch-high-findings"),
                Map.of("kibana.url", new TextNode("http://kibana:5601")));
        assertThat(filled.path("actions").size()).isZero();
        assertThat(filled.path("params").path("esQuery").asText()).contains("high");
    }

    @Test
    void aPlaceholderWithoutAValueIsAnError() {
        assertThatThrownBy(() -> AlertRuleTemplate.fill(rules().get("deletion-watch-high-findings"),
                        Map.of("connector.slack", new TextNode("slack-1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${kibana.url}");
    }
}
