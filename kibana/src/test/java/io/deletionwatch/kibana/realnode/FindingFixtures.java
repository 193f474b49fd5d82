package io.deletionwatch.kibana.realnode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Findings shaped exactly like the job's finding document (the contract in the project's docs), one
 * or more per rule, and dead letters as {@link DeadLetterDocument} writes them. Times are relative
 * to {@code now}, so the alert and detection rules' look-back windows find them.
 */
final class FindingFixtures {
    static final String SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String ALICE = "alice@contoso.com";
    static final String BOB = "bob@contoso.com";
    static final String AUTOMATION = "terraform-ci";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int[] SEVERITY = {21, 47, 73, 99};
    private static final List<String> LEVELS = List.of("low", "medium", "high", "critical");

    private FindingFixtures() {}

    /** Every rule at least once; one critical finding of an allowlisted caller. */
    static List<ObjectNode> findings(Instant now) {
        List<ObjectNode> findings = new ArrayList<>();
        String nsgWeb = resource("rg-prod", "Microsoft.Network", "networkSecurityGroups", "nsg-web");
        String nsgDb = resource("rg-prod", "Microsoft.Network", "networkSecurityGroups", "nsg-db");
        String nsgApp = resource("rg-app", "Microsoft.Network", "networkSecurityGroups", "nsg-app");
        String subnet = resource("rg-prod", "Microsoft.Network", "virtualNetworks", "vnet-prod") + "/subnets/db";
        String nic = resource("rg-app", "Microsoft.Network", "networkInterfaces", "vm-app-nic");
        String diag = resource("rg-prod", "Microsoft.Insights", "diagnosticSettings", "send-to-sentinel");

        ObjectNode deleted = finding(now, 30, "nsg-deleted", "Network security group deleted", "high", ALICE, "user",
                "203.0.113.7", nsgWeb, "microsoft.network/networksecuritygroups/delete",
                "alice@contoso.com deleted network security group nsg-web in resource group rg-prod",
                "T1562.007");
        // What the job knew of nsg-web before it was deleted (the NSG dashboard lists its rules).
        ObjectNode restore = deleted.withObjectProperty("deletion_watch").putObject("restore");
        restore.put("last_seen", now.minusSeconds(3600).toString()).put("last_seen_correlation_id", "corr-nsg-web-write")
                .put("location", "westeurope").put("truncated", false).put("rule_count", 2);
        restore.putArray("rule_summaries")
                .add("100 allow-https: Allow Inbound Tcp from Internet port * to * port 443")
                .add("4000 deny-all-inbound: Deny Inbound * from * port * to * port *");
        findings.add(deleted);

        ObjectNode openAny = finding(now, 25, "nsg-rule-changed", "Network security group rule changed", "high",
                BOB, "user", "198.51.100.20", nsgApp, "microsoft.network/networksecuritygroups/securityrules/write",
                "bob@contoso.com added rule allow-any to nsg-app, allowing inbound port 22 from any source",
                "T1562.007");
        nsgRule(openAny, "allow-any", "Allow", "Inbound", "*", "*", "22", true);
        findings.add(openAny);
        ObjectNode narrow = finding(now, 24, "nsg-rule-changed", "Network security group rule changed", "medium",
                BOB, "user", "198.51.100.20", nsgApp, "microsoft.network/networksecuritygroups/securityrules/write",
                "bob@contoso.com changed rule allow-office on nsg-app", "T1562.007");
        nsgRule(narrow, "allow-office", "Allow", "Inbound", "Tcp", "192.0.2.0/24", "443", false);
        findings.add(narrow);

        ObjectNode disassociated = finding(now, 20, "nsg-disassociated-then-deleted",
                "Network security group disassociated then deleted", "critical", ALICE, "user", "203.0.113.7", nsgDb,
                "microsoft.network/networksecuritygroups/delete",
                "alice@contoso.com detached nsg-db from subnet db and deleted it; the subnet has no NSG",
                "T1562.007");
        disassociated.withObjectProperty("deletion_watch").putArray("unprotected_resources").add(subnet);
        evidence(disassociated, now, 21, "microsoft.network/virtualnetworks/subnets/write", subnet, ALICE);
        evidence(disassociated, now, 20, "microsoft.network/networksecuritygroups/delete", nsgDb, ALICE);
        findings.add(disassociated);

        ObjectNode forced = finding(now, 18, "nsg-forced-deletion", "Network security group force-deleted",
                "critical", "sp-deployer", "service_principal", "192.0.2.44", nsgApp,
                "microsoft.network/networksecuritygroups/delete",
                "sp-deployer deleted nsg-app while it protected vm-app-nic; the interface has no NSG", "T1562.007");
        forced.withObjectProperty("deletion_watch").putArray("unprotected_resources").add(nic);
        findings.add(forced);

        ObjectNode burst = finding(now, 15, "mass-deletion", "Mass deletion", "critical", "sp-cleanup",
                "service_principal", "192.0.2.45", resource("rg-app", "Microsoft.Compute", "virtualMachines", "vm-9"),
                "microsoft.compute/virtualmachines/delete",
                "sp-cleanup deleted 15 resources in 4 minutes in rg-app and rg-prod", "T1485");
        burst(burst, now, 15, List.of("rg-app", "rg-prod"));
        evidence(burst, now, 19, "microsoft.compute/virtualmachines/delete",
                resource("rg-app", "Microsoft.Compute", "virtualMachines", "vm-1"), "sp-cleanup");
        evidence(burst, now, 17, "microsoft.storage/storageaccounts/delete",
                resource("rg-prod", "Microsoft.Storage", "storageAccounts", "stprod"), "sp-cleanup");
        findings.add(burst);

        ObjectNode allowlisted = finding(now, 14, "mass-deletion", "Mass deletion", "critical", AUTOMATION,
                "service_principal", "192.0.2.46", resource("rg-test", "Microsoft.Compute", "virtualMachines", "vm-t"),
                "microsoft.compute/virtualmachines/delete",
                "terraform-ci deleted 40 resources in 2 minutes in rg-test", "T1485");
        burst(allowlisted, now, 40, List.of("rg-test"));
        evidence(allowlisted, now, 14, "microsoft.compute/virtualmachines/delete",
                resource("rg-test", "Microsoft.Compute", "virtualMachines", "vm-t"), AUTOMATION);
        allowlisted.withArrayProperty("tags").add("allowlisted");
        allowlisted.withObjectProperty("deletion_watch").put("allowlisted", true);
        findings.add(allowlisted);

        findings.add(finding(now, 12, "logging-disabled", "Logging disabled", "high", BOB, "user", "198.51.100.20",
                diag, "microsoft.insights/diagnosticsettings/delete",
                "bob@contoso.com deleted diagnostic setting send-to-sentinel", "T1562.008"));

        ObjectNode dark = finding(now, 8, "logging-disabled-then-deletion", "Logging disabled then deletion",
                "critical", BOB, "user", "198.51.100.20", diag, "microsoft.insights/diagnosticsettings/delete",
                "bob@contoso.com deleted diagnostic setting send-to-sentinel, then deleted 2 resources",
                "T1562.008");
        dark.withObjectProperty("deletion_watch").put("count", 2);
        evidence(dark, now, 10, "microsoft.insights/diagnosticsettings/delete", diag, BOB);
        evidence(dark, now, 8, "microsoft.keyvault/vaults/delete",
                resource("rg-prod", "Microsoft.KeyVault", "vaults", "kv-prod"), BOB);
        findings.add(dark);
        return findings;
    }

    /** Dead letters as the job writes them. */
    static List<ObjectNode> deadLetters(Instant now) {
        return List.of(
                DeadLetterDocument.toJson(new DeadLetter(now.minus(Duration.ofMinutes(40)), "invalid_json",
                        "Unexpected character ('}' (code 125))", "parse", "insights-activity-logs", 0, 1041L,
                        "{\"records\":[}".getBytes(StandardCharsets.UTF_8))),
                DeadLetterDocument.toJson(new DeadLetter(now.minus(Duration.ofMinutes(35)), "missing_field",
                        "record 3 has no operationName", "parse", "insights-activity-logs", 1, 77L,
                        "{\"records\":[{}]}".getBytes(StandardCharsets.UTF_8))),
                DeadLetterDocument.toJson(new DeadLetter(now.minus(Duration.ofMinutes(5)), "mapping_error",
                        "Elasticsearch refused the finding: failed to parse field [source.ip]", "sink", null, null,
                        null, "{}".getBytes(StandardCharsets.UTF_8))));
    }

    private static String resource(String group, String provider, String type, String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + "/providers/" + provider + "/"
                + type + "/" + name;
    }

    private static ObjectNode finding(Instant now, int minutesAgo, String ruleId, String ruleName,
            String severity, String caller, String principalType, String ip, String resourceId, String action,
            String message, String technique) {
        Instant time = now.minus(Duration.ofMinutes(minutesAgo));
        int level = LEVELS.indexOf(severity);
        String[] parts = resourceId.split("/");
        ObjectNode f = MAPPER.createObjectNode();
        f.put("@timestamp", time.toString());
        f.put("message", message);
        f.putArray("tags").add("deletion-watch");
        f.putObject("labels").put("environment", "prod").put("owner", "netops").put("criticality", "high");
        ObjectNode event = f.putObject("event");
        event.put("kind", "alert");
        event.put("id", HexFormat.of().formatHex((ruleId + time + caller).repeat(2).getBytes(StandardCharsets.UTF_8))
                .substring(0, 64));
        event.put("created", now.minusSeconds(30).toString());
        event.put("ingested", now.minusSeconds(20).toString()); // set by the job's sink
        event.put("action", action);
        event.put("outcome", "success");
        event.putArray("category").add("configuration").add("network");
        event.putArray("type").add("deletion");
        event.put("severity", SEVERITY[level]);
        event.put("risk_score", (double) SEVERITY[level]);
        event.put("dataset", "deletion_watch.findings");
        event.put("module", "deletion_watch");
        event.put("provider", "azure.activitylogs");
        f.putObject("rule").put("id", ruleId).put("name", ruleName).put("description", ruleName)
                .put("ruleset", "deletion-watch").put("category", "network-security");
        String[] upn = caller.split("@", 2);
        ObjectNode user = f.putObject("user").put("id", "oid-" + caller).put("name", upn[0]);
        if (upn.length == 2) {
            user.put("domain", upn[1]).put("email", caller);
        }
        f.putObject("source").put("address", ip).put("ip", ip);
        ObjectNode cloud = f.putObject("cloud").put("provider", "azure").put("region", "westeurope");
        cloud.putObject("account").put("id", SUBSCRIPTION).put("name", "Production");
        ObjectNode azure = f.putObject("azure");
        azure.put("subscription_id", SUBSCRIPTION);
        azure.put("correlation_id", "corr-" + minutesAgo);
        azure.put("tenant_id", TENANT);
        azure.putObject("resource").put("id", resourceId).put("group", parts[4])
                .put("provider", parts[6].toLowerCase()).put("type", parts[7].toLowerCase())
                .put("name", parts[parts.length - 1]);
        ObjectNode threat = f.putObject("threat");
        threat.put("framework", "MITRE ATT&CK");
        boolean logs = technique.equals("T1562.008");
        boolean destruction = technique.equals("T1485");
        threat.putArray("tactic").addObject()
                .put("id", destruction ? "TA0040" : "TA0005")
                .put("name", destruction ? "Impact" : "Defense Evasion");
        ObjectNode tech = threat.putArray("technique").addObject();
        tech.put("id", technique.substring(0, 5));
        tech.put("name", destruction ? "Data Destruction" : "Impair Defenses");
        if (technique.contains(".")) {
            tech.putArray("subtechnique").addObject().put("id", technique)
                    .put("name", logs ? "Disable or Modify Cloud Logs" : "Disable or Modify Cloud Firewall");
        }
        f.putObject("related").putArray("user").add(upn[0]).add(caller).add("oid-" + caller);
        f.withObjectProperty("related").putArray("ip").add(ip);
        ObjectNode dw = f.putObject("deletion_watch");
        dw.put("severity", severity);
        dw.put("principal_type", principalType);
        dw.put("caller", caller);
        dw.putArray("insider_threat_matrix").add("IF014.005");
        dw.put("allowlisted", false);
        dw.put("first_seen", time.toString());
        dw.put("last_seen", time.toString());
        dw.put("count", 1);
        dw.putArray("resource_groups").add(parts[4]);
        dw.putObject("resource_types").put(parts[6].toLowerCase() + "/" + parts[7].toLowerCase(), 1);
        evidence(f, now, minutesAgo, action, resourceId, caller);
        return f;
    }

    private static void nsgRule(ObjectNode f, String name, String access, String direction, String protocol,
            String source, String ports, boolean fromAny) {
        f.withObjectProperty("deletion_watch").putObject("nsg_rule").put("name", name).put("access", access)
                .put("direction", direction).put("protocol", protocol).put("source", source)
                .put("destination_ports", ports).put("opens_inbound_from_any", fromAny);
    }

    private static void burst(ObjectNode f, Instant now, int count, List<String> groups) {
        ObjectNode dw = f.withObjectProperty("deletion_watch");
        dw.put("count", count);
        dw.put("first_seen", now.minus(Duration.ofMinutes(19)).toString());
        ArrayNode rg = dw.putArray("resource_groups");
        groups.forEach(rg::add);
        dw.putObject("resource_types").put("microsoft.compute/virtualmachines", count - 1)
                .put("microsoft.storage/storageaccounts", 1);
    }

    private static void evidence(ObjectNode f, Instant now, int minutesAgo, String operation, String resourceId,
            String caller) {
        f.withObjectProperty("deletion_watch").withArrayProperty("evidence").addObject()
                .put("time", now.minus(Duration.ofMinutes(minutesAgo)).toString())
                .put("operation", operation)
                .put("resource_id", resourceId)
                .put("phase", "Success")
                .put("correlation_id", "corr-" + minutesAgo)
                .put("status_code", "OK")
                .put("caller", caller);
    }
}
