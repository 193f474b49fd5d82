package io.deletionwatch.kibana.assets;

import java.util.List;

/**
 * What the assets know of each detection the job runs: its fixed {@code rule.id}, how it is
 * presented, its default severity and its ATT&CK mapping.
 *
 * @param id the {@code rule.id} the job writes
 * @param title a short human name
 * @param description what the finding means for an analyst
 * @param severity the default severity (the job may raise it; see {@code deletion_watch.severity})
 * @param riskScore the matching {@code event.risk_score}
 * @param threats ATT&CK tactics and techniques
 * @param searchColumns the columns of the rule's saved search, after the time
 * @param searchSort the saved search's sort, field and direction pairs
 */
record FindingRule(
        String id,
        String title,
        String description,
        String severity,
        int riskScore,
        List<Threat> threats,
        List<String> searchColumns,
        List<List<String>> searchSort) {

    /** An ATT&CK tactic with one technique and optionally one subtechnique. */
    record Threat(
            String tacticId,
            String tacticName,
            String techniqueId,
            String techniqueName,
            String subtechniqueId,
            String subtechniqueName) {}

    private static final List<List<String>> NEWEST_FIRST = List.of(List.of("@timestamp", "desc"));

    static final Threat CLOUD_FIREWALL =
            new Threat("TA0005", "Defense Evasion", "T1562", "Impair Defenses", "T1562.007",
                    "Disable or Modify Cloud Firewall");
    static final Threat CLOUD_LOGS =
            new Threat("TA0005", "Defense Evasion", "T1562", "Impair Defenses", "T1562.008",
                    "Disable or Modify Cloud Logs");
    static final Threat DATA_DESTRUCTION =
            new Threat("TA0040", "Impact", "T1485", "Data Destruction", null, null);

    /** Every rule the job has, in the order the assets list them. */
    static final List<FindingRule> ALL =
            List.of(
                    new FindingRule(
                            "nsg-deleted",
                            "NSG deleted",
                            "A network security group was deleted; the subnets and network "
                                    + "interfaces it protected lose its rules.",
                            "high",
                            73,
                            List.of(CLOUD_FIREWALL),
                            List.of("deletion_watch.severity", "deletion_watch.caller", "azure.resource.name",
                                    "azure.resource.group", "cloud.account.id", "source.address",
                                    "message"),
                            NEWEST_FIRST),
                    new FindingRule(
                            "nsg-rule-changed",
                            "NSG rule changed",
                            "A security rule of a network security group was created, changed or "
                                    + "deleted; high when an Allow rule opens inbound traffic from "
                                    + "any source.",
                            "medium",
                            47,
                            List.of(CLOUD_FIREWALL),
                            List.of("deletion_watch.nsg_rule.opens_inbound_from_any",
                                    "deletion_watch.severity", "azure.resource.name",
                                    "deletion_watch.nsg_rule.name", "deletion_watch.nsg_rule.access",
                                    "deletion_watch.nsg_rule.direction",
                                    "deletion_watch.nsg_rule.source",
                                    "deletion_watch.nsg_rule.destination_ports", "deletion_watch.caller",
                                    "azure.resource.group"),
                            List.of(List.of("deletion_watch.nsg_rule.opens_inbound_from_any", "desc"),
                                    List.of("@timestamp", "desc"))),
                    new FindingRule(
                            "nsg-disassociated-then-deleted",
                            "NSG disassociated, then deleted",
                            "A network security group was detached from its subnets or network "
                                    + "interfaces and then deleted; they are left without one.",
                            "critical",
                            99,
                            List.of(CLOUD_FIREWALL),
                            List.of("deletion_watch.caller", "azure.resource.name",
                                    "deletion_watch.unprotected_resources", "azure.resource.group",
                                    "cloud.account.id", "source.address", "message"),
                            NEWEST_FIRST),
                    new FindingRule(
                            "nsg-forced-deletion",
                            "NSG forced deletion",
                            "A network security group still attached to subnets or network "
                                    + "interfaces was deleted (the attachments were removed "
                                    + "with it); they are left without one.",
                            "critical",
                            99,
                            List.of(CLOUD_FIREWALL),
                            List.of("deletion_watch.caller", "azure.resource.name",
                                    "deletion_watch.unprotected_resources", "azure.resource.group",
                                    "cloud.account.id", "source.address", "message"),
                            NEWEST_FIRST),
                    new FindingRule(
                            "mass-deletion",
                            "Mass deletion",
                            "One caller deleted many resources in a short time; critical at three "
                                    + "times the threshold.",
                            "high",
                            73,
                            List.of(DATA_DESTRUCTION),
                            List.of("deletion_watch.severity", "deletion_watch.caller",
                                    "deletion_watch.principal_type", "deletion_watch.count",
                                    "deletion_watch.first_seen", "deletion_watch.last_seen",
                                    "deletion_watch.resource_groups", "cloud.account.id", "message"),
                            NEWEST_FIRST),
                    new FindingRule(
                            "logging-disabled",
                            "Logging disabled",
                            "A diagnostic setting or log profile was deleted or changed so that "
                                    + "activity is no longer recorded.",
                            "high",
                            73,
                            List.of(CLOUD_LOGS),
                            List.of("deletion_watch.caller", "azure.resource.name", "azure.resource.type",
                                    "event.action", "azure.resource.group", "cloud.account.id",
                                    "message"),
                            NEWEST_FIRST),
                    new FindingRule(
                            "logging-disabled-then-deletion",
                            "Logging disabled, then deletion",
                            "Logging was disabled and the same caller then deleted resources: "
                                    + "destruction with the trail switched off.",
                            "critical",
                            99,
                            List.of(CLOUD_LOGS, DATA_DESTRUCTION),
                            List.of("deletion_watch.caller", "azure.resource.name",
                                    "deletion_watch.evidence.operation",
                                    "deletion_watch.evidence.resource_id", "deletion_watch.count",
                                    "cloud.account.id", "message"),
                            NEWEST_FIRST));

    static FindingRule byId(String id) {
        return ALL.stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rule " + id));
    }

    String savedSearchId() {
        return "deletion-watch-search-" + id;
    }

    /** The KQL that selects this rule's findings. */
    String kql() {
        return "rule.id:\"" + id + "\"";
    }
}
