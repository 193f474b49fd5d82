package io.deletionwatch.kibana.assets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import java.util.ArrayList;
import java.util.List;

/**
 * The source of truth of {@code kibana/detection-rules/deletion-watch-detection-rules.ndjson}: one
 * Elastic Security query rule per {@code rule.id}, mapped to ATT&CK. The job detects; these rules
 * only turn its findings into Security alerts with the right name, severity and risk.
 */
final class DetectionRulesDefinition {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    /** How often each rule runs, and how far back it looks: one interval plus five minutes of clock skew. */
    static final String INTERVAL = "5m";
    static final String FROM = "now-10m";
    /** What the query, the severity mapping and the name override read. */
    static final List<String> REQUIRED_FIELDS =
            List.of("event.kind", "event.ingested", "event.risk_score", "message", "rule.id",
                    "deletion_watch.allowlisted", "deletion_watch.severity");
    private static final String SETUP =
            "## Setup\n\n"
                    + "This rule reads the findings the deletion-watch Flink job writes to `"
                    + KibanaAssets.FINDINGS_DATA_STREAM_PATTERN + "`; it detects nothing by itself.\n\n"
                    + "- Run `bin/deletion-watch setup --es-url URL --kibana-url URL --enable-rules`: it "
                    + "installs the index templates, imports this rule enabled and adds an exception for "
                    + "`rule.ruleset: deletion-watch` to Elastic's **External Alerts** rule, so that each "
                    + "finding raises exactly one alert. Without `--enable-rules` the rules are imported "
                    + "disabled and External Alerts is the path that promotes findings.\n"
                    + "- The look-back is over `event.ingested`, the time the job's sink indexed the finding, "
                    + "so a finding whose Azure event is long past still raises its alert.\n"
                    + "- Elastic's Azure integration (`azure` package, Activity Logs) is optional: with it, the "
                    + "investigation steps can pivot to the raw events by `azure.correlation_id`.\n";

    private DetectionRulesDefinition() {}

    static String name(FindingRule finding) {
        return "Azure " + finding.title() + " (deletion-watch)";
    }

    static List<ObjectNode> rules() {
        List<ObjectNode> rules = new ArrayList<>();
        for (FindingRule finding : FindingRule.ALL) {
            rules.add(rule(finding));
        }
        return rules;
    }

    /** A stable rule_id, a UUID as Elastic's own rules have. */
    static String ruleId(FindingRule finding) {
        return Ids.uuid("detection-rule/" + finding.id());
    }

    private static ObjectNode rule(FindingRule finding) {
        RuleGuide guide = RuleGuide.of(finding.id());
        String name = name(finding);
        ObjectNode rule = MAPPER.createObjectNode();
        rule.put("rule_id", ruleId(finding));
        rule.put("version", 2);
        rule.put("name", name);
        rule.put("description", finding.description()
                + " Raised by the deletion-watch job from the Azure Activity Log; this rule turns "
                + "its finding into a Security alert.");
        rule.put("type", "query");
        rule.put("language", "kuery");
        rule.putArray("index").add(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN);
        // Allowlisted callers' findings are kept for the record but raise no alert.
        rule.put("query", "event.kind:\"alert\" and " + finding.kql()
                + " and not deletion_watch.allowlisted:true");
        // Off until `setup --enable-rules`, which also keeps External Alerts from alerting twice.
        rule.put("enabled", false);
        rule.put("interval", INTERVAL);
        rule.put("from", FROM);
        rule.put("max_signals", 100);
        // When the sink indexed the finding (kept by later versions): Activity Log events reach
        // Event Hubs minutes late and an Elasticsearch outage holds findings back, but indexing
        // time is always recent when the rule runs.
        rule.put("timestamp_override", "event.ingested");
        rule.put("severity", finding.severity());
        rule.put("risk_score", finding.riskScore());
        ArrayNode severityMapping = rule.putArray("severity_mapping");
        for (String severity : SEVERITIES) {
            severityMapping.addObject()
                    .put("field", "deletion_watch.severity")
                    .put("operator", "equals")
                    .put("value", severity)
                    .put("severity", severity);
        }
        rule.putArray("risk_score_mapping")
                .addObject()
                .put("field", "event.risk_score")
                .put("operator", "equals")
                .put("value", "");
        rule.put("rule_name_override", "message");
        rule.putArray("author").add("deletion-watch");
        rule.put("license", "Apache-2.0");
        ArrayNode tags = rule.putArray("tags")
                .add("Domain: Cloud")
                .add("Data Source: Azure")
                .add("Data Source: Azure Activity Logs")
                .add("Use Case: Threat Detection");
        finding.threats().stream().map(FindingRule.Threat::tacticName).distinct()
                .forEach(tactic -> tags.add("Tactic: " + tactic));
        tags.add("Resources: Investigation Guide");
        rule.putArray("false_positives")
                .add("Planned maintenance or infrastructure-as-code changes by an approved "
                        + "identity; add it to the job's allowlist (findings then carry "
                        + "deletion_watch.allowlisted) or add an exception here.");
        rule.put("note", guide.note(name));
        rule.put("setup", SETUP);
        ArrayNode references = rule.putArray("references");
        guide.references().forEach(references::add);
        ArrayNode fields = rule.putObject("investigation_fields").putArray("field_names");
        RuleGuide.COMMON_FIELDS.forEach(fields::add);
        guide.investigationFields().forEach(fields::add);
        // Raw Activity Log events for the guide's pivots; the findings are complete without it.
        rule.putArray("related_integrations").addObject().put("package", "azure");
        ArrayNode required = rule.putArray("required_fields");
        for (String field : REQUIRED_FIELDS) {
            required.addObject().put("name", field).put("ecs", !field.startsWith("deletion_watch."));
        }
        ArrayNode threats = rule.putArray("threat");
        for (FindingRule.Threat threat : finding.threats()) {
            ObjectNode t = threats.addObject();
            t.put("framework", "MITRE ATT&CK");
            t.putObject("tactic")
                    .put("id", threat.tacticId())
                    .put("name", threat.tacticName())
                    .put("reference", "https://attack.mitre.org/tactics/" + threat.tacticId() + "/");
            ObjectNode technique = t.putArray("technique").addObject();
            technique.put("id", threat.techniqueId());
            technique.put("name", threat.techniqueName());
            technique.put("reference",
                    "https://attack.mitre.org/techniques/" + threat.techniqueId() + "/");
            if (threat.subtechniqueId() != null) {
                technique.putArray("subtechnique")
                        .addObject()
                        .put("id", threat.subtechniqueId())
                        .put("name", threat.subtechniqueName())
                        .put("reference", "https://attack.mitre.org/techniques/"
                                + threat.subtechniqueId().replace('.', '/') + "/");
            }
        }
        return rule;
    }
}
