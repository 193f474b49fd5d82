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

    private DetectionRulesDefinition() {}

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
        ObjectNode rule = MAPPER.createObjectNode();
        rule.put("rule_id", ruleId(finding));
        rule.put("version", 1);
        rule.put("name", "Azure " + finding.title() + " (deletion-watch)");
        rule.put("description", finding.description()
                + " Raised by the deletion-watch job from the Azure Activity Log; this rule turns "
                + "its finding into a Security alert.");
        rule.put("type", "query");
        rule.put("language", "kuery");
        rule.putArray("index").add(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN);
        // Allowlisted callers' findings are kept for the record but raise no alert.
        rule.put("query", "event.kind:\"alert\" and " + finding.kql()
                + " and not deletion_watch.allowlisted:true");
        rule.put("enabled", true);
        rule.put("interval", "5m");
        rule.put("from", "now-10m");
        rule.put("max_signals", 100);
        // The time the job wrote the finding: Activity Log events arrive minutes late.
        rule.put("timestamp_override", "event.created");
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
        rule.putArray("tags")
                .add("deletion-watch")
                .add("Domain: Cloud")
                .add("Data Source: Azure")
                .add("Data Source: Azure Activity Logs")
                .add("Use Case: Threat Detection");
        rule.putArray("false_positives")
                .add("Planned maintenance or infrastructure-as-code changes by an approved "
                        + "identity; add it to the job's allowlist (findings then carry "
                        + "deletion_watch.allowlisted) or add an exception here.");
        rule.put("note", "## Triage\n\n"
                + "- `message` says what happened; `user.name` and `deletion_watch.principal_type` "
                + "who did it; `azure.resource.id` to what.\n"
                + "- `deletion_watch.evidence` lists the Activity Log events behind the finding.\n"
                + "- Open the **[deletion-watch] Investigation** dashboard filtered on the caller "
                + "or the resource to see everything else they did.\n");
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
