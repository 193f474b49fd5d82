package io.deletionwatch.kibana.assets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The source of truth of {@code kibana/alert-rules/*.json}: one Elasticsearch-query rule per
 * severity that alerts on, each with an action per channel. Every message carries each new
 * finding's sentence, caller and resource and links back to the dashboards.
 *
 * <p>The rules look at {@code event.created} (when the job wrote the finding), not
 * {@code @timestamp} (when Azure says it happened): the Activity Log arrives minutes late, and a
 * window on {@code @timestamp} would miss late findings.
 */
final class AlertRulesDefinition {
    static final String TIME_FIELD = "event.created";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertRulesDefinition() {}

    /** File name (under {@code kibana/alert-rules/}) to rule body. */
    static Map<String, ObjectNode> rules() {
        Map<String, ObjectNode> rules = new LinkedHashMap<>();
        rules.put(
                "deletion-watch-critical-findings.json",
                rule("critical", "Critical", "1", "critical"));
        rules.put("deletion-watch-high-findings.json", rule("high", "High", "2", "error"));
        return rules;
    }

    private static String finding(String severity) {
        return "new " + severity + " deletion-watch finding(s)";
    }

    /** The lines for each new finding: sentence, caller, resource and a link to investigate. */
    private static String findingLines(String bullet, String newline) {
        return "{{#context.hits}}" + bullet + "{{_source.message}}" + newline
                + "  Rule: {{_source.rule.name}} ({{_source.rule.id}}), severity "
                + "{{_source.deletion_watch.severity}}" + newline
                + "  Caller: {{_source.deletion_watch.caller}} ({{_source.deletion_watch.principal_type}}), "
                + "from {{_source.source.address}}" + newline
                + "  Resource: {{_source.azure.resource.id}}" + newline
                + "  When: {{_source.@timestamp}}" + newline
                + "  Investigate: " + investigateLink() + newline
                + "{{/context.hits}}";
    }

    /** The investigation dashboard, filtered to the finding, over the week around it. */
    private static String investigateLink() {
        return "${kibana.url}/app/dashboards#/view/" + SavedObjectsDefinition.INVESTIGATION
                + "?_g=(time:(from:now-7d,to:now))"
                + "&_a=(query:(language:kuery,query:'event.id:{{_source.event.id}}'))";
    }

    private static String overviewLink() {
        return "${kibana.url}/app/dashboards#/view/" + SavedObjectsDefinition.OVERVIEW;
    }

    private static ObjectNode rule(
            String severity, String title, String serviceNowLevel, String pagerDutySeverity) {
        ObjectNode rule = MAPPER.createObjectNode();
        rule.put("name", "deletion-watch: " + severity + " findings");
        rule.put("rule_type_id", ".es-query");
        rule.put("consumer", "stackAlerts");
        rule.putArray("tags").add("deletion-watch").add("azure").add(severity);
        rule.put("enabled", true);
        rule.putObject("schedule").put("interval", "1m");

        ObjectNode params = rule.putObject("params");
        params.put("searchType", "esQuery");
        params.putArray("index").add(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN);
        params.put("timeField", TIME_FIELD);
        params.put("esQuery", SavedObjectsDefinition.encode(query(severity)));
        params.put("size", 20);
        params.put("timeWindowSize", 5);
        params.put("timeWindowUnit", "m");
        params.putArray("threshold").add(0);
        params.put("thresholdComparator", ">");
        params.put("aggType", "count");
        params.put("groupBy", "all");
        params.put("excludeHitsFromPreviousRun", true);

        String subject = "[deletion-watch] {{context.value}} " + finding(severity);
        ArrayNode actions = rule.putArray("actions");

        action(actions, "slack").putObject("params").put("message",
                ":rotating_light: *" + subject + "*\n"
                        + findingLines("• ", "\n")
                        + "Overview: " + overviewLink());

        ObjectNode pagerDuty = action(actions, "pagerduty").putObject("params");
        pagerDuty.put("eventAction", "trigger");
        pagerDuty.put("dedupKey", "deletion-watch-{{rule.id}}-{{context.date}}");
        pagerDuty.put("summary", "deletion-watch: {{context.value}} " + finding(severity) + ": "
                + "{{#context.hits}}{{_source.message}} (caller {{_source.deletion_watch.caller}}, resource "
                + "{{_source.azure.resource.id}}); {{/context.hits}}" + overviewLink());
        pagerDuty.put("source", "deletion-watch");
        pagerDuty.put("severity", pagerDutySeverity);
        pagerDuty.put("class", "{{rule.name}}");
        pagerDuty.put("component", "azure-activity-log");
        pagerDuty.put("group", "deletion-watch");

        ObjectNode incident = action(actions, "servicenow").putObject("params")
                .put("subAction", "pushToService")
                .putObject("subActionParams");
        ObjectNode fields = incident.putObject("incident");
        fields.put("short_description", subject);
        fields.put("description", findingLines("- ", "\n") + "Overview: " + overviewLink());
        fields.put("severity", serviceNowLevel);
        fields.put("urgency", serviceNowLevel);
        fields.put("impact", serviceNowLevel);
        fields.put("correlation_id", "deletion-watch-{{rule.id}}-{{context.date}}");
        fields.put("correlation_display", "deletion-watch");
        incident.putArray("comments");

        ObjectNode email = action(actions, "email").putObject("params");
        email.put("to", "${email.to}");
        email.put("subject", subject);
        email.put("message",
                "**" + title + " findings from deletion-watch**\n\n"
                        + findingLines("- ", "\n")
                        + "\n[Open the deletion-watch overview](" + overviewLink() + ")");

        // A generic JSON body for SMS and ticketing gateways (Zendesk, Twilio, ...). Kibana
        // escapes the variables for JSON inside the quotes.
        action(actions, "webhook").putObject("params").put("body",
                "{\"source\":\"deletion-watch\",\"severity\":\"" + severity + "\","
                        + "\"rule\":\"{{rule.name}}\",\"count\":\"{{context.value}}\","
                        + "\"subject\":\"" + subject + "\","
                        + "\"text\":\"" + findingLines("- ", "\\n") + "\","
                        + "\"dashboard\":\"" + overviewLink() + "\"}");
        return rule;
    }

    private static ObjectNode action(ArrayNode actions, String channel) {
        ObjectNode action = actions.addObject();
        action.put("id", "${connector." + channel + "}");
        action.put("group", "query matched");
        action.putObject("frequency")
                .put("summary", false)
                .put("notify_when", "onActiveAlert")
                .putNull("throttle");
        return action;
    }

    /** New findings of this severity, allowlisted callers left out. */
    private static ObjectNode query(String severity) {
        ObjectNode query = MAPPER.createObjectNode();
        ObjectNode bool = query.putObject("query").putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        filter.addObject().putObject("term").put("event.kind", "alert");
        filter.addObject().putObject("term").put("deletion_watch.severity", severity);
        bool.putArray("must_not").addObject().putObject("term").put("deletion_watch.allowlisted", true);
        return query;
    }
}
