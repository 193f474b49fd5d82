package io.deletionwatch.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.job.findings.RestoreTemplate;

/** What {@code restore} prints: shell comments, the ARM template, then the commands to run. */
final class RestoreScript {
    private RestoreScript() {}

    static String of(JsonNode finding) {
        JsonNode r = finding.path("deletion_watch").path("restore");
        JsonNode resource = finding.path("azure").path("resource");
        String name = resource.path("name").asText("nsg");
        String file = name + "-restore.json";
        StringBuilder s = new StringBuilder();
        s.append("# ").append(finding.path("message").asText()).append('\n');
        s.append("# finding ").append(finding.at("/event/id").asText()).append(" (")
                .append(finding.at("/rule/id").asText()).append(")\n");
        s.append("# last known definition: written ").append(r.path("last_seen").asText("?"));
        if (r.hasNonNull("last_seen_correlation_id")) {
            s.append(" (correlation id ").append(r.path("last_seen_correlation_id").asText()).append(')');
        }
        s.append(", ").append(r.path("rule_count").asInt()).append(" security rules");
        if (r.path("truncated").asBoolean()) {
            s.append(", TRUNCATED: the lowest-priority rules, tags or associations were not kept");
        }
        s.append('\n');
        s.append("# 1. Save this ARM template as ").append(file).append(":\n");
        s.append(r.path("arm_template").asText()).append('\n');
        s.append("# 2. Deploy it into the NSG's resource group:\n");
        s.append("az deployment group create");
        String subscription = finding.path("azure").path("subscription_id").asText(null);
        if (subscription != null) {
            s.append(" --subscription ").append(RestoreTemplate.quote(subscription));
        }
        s.append(" --resource-group ").append(RestoreTemplate.quote(resource.path("group").asText("<resource-group>")))
                .append(" --template-file ").append(RestoreTemplate.quote(file)).append('\n');
        JsonNode commands = r.path("reattach_commands");
        if (commands.isEmpty()) {
            s.append("# 3. No subnet or NIC is known to have held it: attach it where it belongs.\n");
        } else {
            s.append("# 3. Attach it again to the subnets and NICs it protected:\n");
            commands.forEach(c -> s.append(c.asText()).append('\n'));
        }
        return s.toString();
    }
}
