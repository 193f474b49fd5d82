package io.deletionwatch.kibana.assets;

import java.util.List;
import java.util.Map;

/**
 * The investigation guide of one detection rule, in the sections Elastic's own rules use
 * ("## Triage and analysis", "### Investigating NAME", steps, false positives, response), and the
 * fields an analyst sees first on its alerts.
 *
 * @param overview what the finding means and why it matters
 * @param steps possible investigation steps
 * @param falsePositives how benign activity looks and how to keep it out
 * @param response response and remediation
 * @param investigationFields the alert's highlighted fields, beyond the common ones
 * @param references public documentation of the resource and the technique
 */
record RuleGuide(
        String overview,
        List<String> steps,
        List<String> falsePositives,
        List<String> response,
        List<String> investigationFields,
        List<String> references) {

    /** Shown on every rule's alerts first: when, what, who and from where. */
    static final List<String> COMMON_FIELDS =
            List.of("@timestamp", "message", "event.action", "deletion_watch.caller", "user.id",
                    "deletion_watch.principal_type", "source.ip", "cloud.account.id", "azure.resource.group");

    private static final String WHO =
            "Identify the caller from `deletion_watch.caller` (its name, UPN or app id), `user.id` and "
                    + "`deletion_watch.principal_type`: for a service "
                    + "principal, find the application and who owns it (the job's `--enrichment` table can "
                    + "name it in the finding), then review how its credentials were used.";
    private static final String FROM_WHERE =
            "Check `source.ip` against the caller's usual addresses and your VPN, CI and automation egress "
                    + "ranges; an address never seen for this caller is a strong signal.";
    private static final String EVIDENCE =
            "Read `deletion_watch.evidence`: the Activity Log operations behind the finding, each with its "
                    + "correlation id, phase and status; search `logs-azure.activitylogs-*` for "
                    + "`azure.correlation_id` to see the raw events if Elastic's Azure integration collects them.";
    private static final String PIVOT =
            "Open the **[deletion-watch] Investigation** dashboard filtered on the caller, and review what "
                    + "else they did in the hours before and after: role assignments, new credentials, other "
                    + "deletions.";
    private static final String CHANGE_RECORD =
            "Look for a change ticket, pipeline run or maintenance window that covers this operation on this "
                    + "resource at this time.";
    private static final String ALLOWLIST =
            "Automation that legitimately does this (infrastructure-as-code pipelines, clean-up jobs) belongs "
                    + "in the job's allowlist: its findings then carry `deletion_watch.allowlisted: true` and "
                    + "raise no alert, while the finding stays on record.";
    private static final String CONTAIN =
            "disable the user or remove the service principal's secrets and certificates, revoke its "
                    + "sessions, and review its role assignments.";
    private static final String CONTAIN_CALLER =
            "If the caller is not accounted for, treat its credentials as compromised: " + CONTAIN;
    private static final String ESCALATE =
            "Escalate to the owners of the subscription and to incident response when the change was not "
                    + "authorised.";
    private static final String NSG_RESTORE =
            "Put the NSG back: when `deletion_watch.restore` is present, run `bin/deletion-watch restore "
                    + "--finding <event.id> --es-url <Elasticsearch URL>`; it prints an ARM template of the last "
                    + "known rules, the `az deployment group create` command and the commands that re-attach "
                    + "the subnets and network interfaces. It never calls Azure: review, then run them.";
    private static final String NSG_DOCS =
            "https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview";
    private static final String ACTIVITY_LOG_DOCS =
            "https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log";
    private static final String LOCK_DOCS =
            "https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/lock-resources";

    static final Map<String, RuleGuide> BY_RULE =
            Map.of(
                    "nsg-deleted",
                    new RuleGuide(
                            "A network security group (NSG) holds the allow and deny rules of the subnets and "
                                    + "network interfaces it is attached to. Deleting one removes those rules at "
                                    + "once; an attacker does it to open a path to what the NSG protected.",
                            List.of(WHO, FROM_WHERE,
                                    "Check `deletion_watch.restore`: the NSG's last known rules, location and "
                                            + "associations tell what the deletion exposed.",
                                    EVIDENCE, PIVOT),
                            List.of(CHANGE_RECORD,
                                    "NSGs of environments being torn down are deleted with their resource group; "
                                            + "a mass-deletion finding for the same caller then tells the story.",
                                    ALLOWLIST),
                            List.of(NSG_RESTORE, CONTAIN_CALLER,
                                    "Protect production NSGs with a CanNotDelete lock.", ESCALATE),
                            List.of("azure.resource.id", "azure.resource.name",
                                    "deletion_watch.restore.rule_summaries"),
                            List.of(NSG_DOCS, LOCK_DOCS)),
                    "nsg-rule-changed",
                    new RuleGuide(
                            "A security rule of a network security group was created, changed or deleted. An "
                                    + "Allow rule for inbound traffic from any source exposes whatever the NSG "
                                    + "protects to the Internet; attackers add one to reach a host directly.",
                            List.of(
                                    "Read `deletion_watch.nsg_rule`: access, direction, source, destination "
                                            + "ports and protocol; `opens_inbound_from_any: true` is the case to "
                                            + "act on first.",
                                    WHO, FROM_WHERE, EVIDENCE, PIVOT),
                            List.of(CHANGE_RECORD,
                                    "Temporary rules for troubleshooting are common and are often left behind: "
                                            + "confirm with the owner and remove them.",
                                    ALLOWLIST),
                            List.of(
                                    "Remove or narrow the rule (a named source range instead of `*`, a bastion "
                                            + "or Just-In-Time access instead of an open management port).",
                                    CONTAIN_CALLER, ESCALATE),
                            List.of("azure.resource.id", "deletion_watch.nsg_rule.access",
                                    "deletion_watch.nsg_rule.source", "deletion_watch.nsg_rule.destination_ports",
                                    "deletion_watch.nsg_rule.opens_inbound_from_any"),
                            List.of(NSG_DOCS,
                                    "https://learn.microsoft.com/en-us/azure/defender-for-cloud/just-in-time-access-usage")),
                    "nsg-disassociated-then-deleted",
                    new RuleGuide(
                            "The network security group was detached from its subnets or network interfaces and "
                                    + "then deleted: the two steps an attacker takes to remove an NSG that Azure "
                                    + "refuses to delete while it is in use. The resources in "
                                    + "`deletion_watch.unprotected_resources` are left without it.",
                            List.of(
                                    "List `deletion_watch.unprotected_resources` and check whether any of them "
                                            + "is reachable from the Internet now.",
                                    WHO, FROM_WHERE, EVIDENCE, PIVOT),
                            List.of(CHANGE_RECORD,
                                    "Network redesigns move subnets to a new NSG before deleting the old one: the "
                                            + "subnets then show a new NSG, not none.",
                                    ALLOWLIST),
                            List.of(NSG_RESTORE, CONTAIN_CALLER, ESCALATE),
                            List.of("azure.resource.id", "azure.resource.name",
                                    "deletion_watch.unprotected_resources", "deletion_watch.restore.rule_summaries"),
                            List.of(NSG_DOCS, LOCK_DOCS)),
                    "nsg-forced-deletion",
                    new RuleGuide(
                            "Azure refused to delete the network security group because it was in use, and it "
                                    + "was deleted anyway once its attachments were removed. The resources in "
                                    + "`deletion_watch.unprotected_resources` are left without it.",
                            List.of(
                                    "List `deletion_watch.unprotected_resources` and check whether any of them "
                                            + "is reachable from the Internet now.",
                                    WHO, FROM_WHERE, EVIDENCE, PIVOT),
                            List.of(CHANGE_RECORD,
                                    "A tear-down script that retries deletions after detaching resources looks "
                                            + "the same; such scripts belong in the allowlist.",
                                    ALLOWLIST),
                            List.of(NSG_RESTORE, CONTAIN_CALLER, ESCALATE),
                            List.of("azure.resource.id", "azure.resource.name",
                                    "deletion_watch.unprotected_resources", "deletion_watch.restore.rule_summaries"),
                            List.of(NSG_DOCS, LOCK_DOCS)),
                    "mass-deletion",
                    new RuleGuide(
                            "One caller deleted many resources within a short window: the pattern of "
                                    + "destruction and of ransom-style attacks on cloud estates. The finding "
                                    + "grows while the burst goes on; the alert keeps the count it was raised "
                                    + "with, the finding its latest.",
                            List.of(
                                    "Open the finding by `event.id` for its latest `deletion_watch.count`, "
                                            + "`first_seen`, `last_seen` and `resource_groups`; is the burst still "
                                            + "going on?",
                                    WHO, FROM_WHERE, EVIDENCE, PIVOT),
                            List.of(CHANGE_RECORD,
                                    "Environment tear-downs (test subscriptions, ephemeral review apps) delete "
                                            + "many resources at once: allowlist the pipeline's identity, not the "
                                            + "people.",
                                    ALLOWLIST),
                            List.of(
                                    "Stop the burst first: " + CONTAIN,
                                    "Recover what can be recovered: soft-deleted Key Vaults, storage accounts and "
                                            + "backups have a retention window; deleted resource groups do not.",
                                    "Protect production resource groups with a CanNotDelete lock.", ESCALATE),
                            List.of("deletion_watch.count", "deletion_watch.first_seen", "deletion_watch.last_seen",
                                    "deletion_watch.resource_groups"),
                            List.of(LOCK_DOCS, ACTIVITY_LOG_DOCS)),
                    "logging-disabled",
                    new RuleGuide(
                            "A diagnostic setting or log profile was deleted or changed so that activity is no "
                                    + "longer recorded or exported. Attackers do it before acting, so that what "
                                    + "follows leaves no trail in the SIEM.",
                            List.of(
                                    "Read `azure.resource.type` and `event.action`: which logs stopped, and for "
                                            + "which resource or subscription.",
                                    WHO, FROM_WHERE, EVIDENCE,
                                    "Look for a **Logging disabled, then deletion** finding for the same caller.",
                                    PIVOT),
                            List.of(CHANGE_RECORD,
                                    "Moving logs to a new workspace or event hub deletes the old setting; the new "
                                            + "one appears in the same minutes.",
                                    ALLOWLIST),
                            List.of(
                                    "Recreate the diagnostic setting or log profile so that activity is exported "
                                            + "again, then look for what happened while it was off.",
                                    CONTAIN_CALLER,
                                    "Use Azure Policy to deploy diagnostic settings and deny their removal.",
                                    ESCALATE),
                            List.of("azure.resource.id", "azure.resource.type"),
                            List.of("https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/diagnostic-settings",
                                    ACTIVITY_LOG_DOCS)),
                    "logging-disabled-then-deletion",
                    new RuleGuide(
                            "The caller switched logging off and then deleted resources: destruction with the "
                                    + "trail switched off, the sequence of an attacker covering their tracks.",
                            List.of(
                                    "Read `deletion_watch.evidence`: which logging was disabled first, and what "
                                            + "was deleted afterwards (`deletion_watch.count`).",
                                    WHO, FROM_WHERE, PIVOT),
                            List.of(CHANGE_RECORD,
                                    "Decommissioning a whole environment removes its diagnostic settings and then "
                                            + "its resources; the resource group is then gone too.",
                                    ALLOWLIST),
                            List.of(
                                    "Restore logging first; if the caller is not accounted for, " + CONTAIN,
                                    "Recover what can be recovered: soft-deleted resources and backups have a "
                                            + "retention window.",
                                    ESCALATE),
                            List.of("azure.resource.id", "deletion_watch.count", "deletion_watch.evidence.operation"),
                            List.of("https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/diagnostic-settings",
                                    LOCK_DOCS)));

    static RuleGuide of(String ruleId) {
        RuleGuide guide = BY_RULE.get(ruleId);
        if (guide == null) {
            throw new IllegalArgumentException("no investigation guide for " + ruleId);
        }
        return guide;
    }

    /** The guide in Elastic's section layout; {@code name} is the rule's name, as Elastic's tests demand. */
    String note(String name) {
        return "## Triage and analysis\n\n"
                + "### Investigating " + name + "\n\n"
                + overview + "\n\n"
                + "### Possible investigation steps\n\n" + bullets(steps) + "\n"
                + "### False positive analysis\n\n" + bullets(falsePositives) + "\n"
                + "### Response and remediation\n\n" + bullets(response);
    }

    private static String bullets(List<String> items) {
        StringBuilder text = new StringBuilder();
        for (String item : items) {
            text.append("- ").append(item).append('\n');
        }
        return text.toString();
    }
}
