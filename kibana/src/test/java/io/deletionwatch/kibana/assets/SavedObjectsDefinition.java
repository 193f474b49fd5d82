package io.deletionwatch.kibana.assets;

import static io.deletionwatch.kibana.assets.DashboardBuilder.lens;
import static io.deletionwatch.kibana.assets.DashboardBuilder.search;
import static io.deletionwatch.kibana.assets.Lens.count;
import static io.deletionwatch.kibana.assets.Lens.max;
import static io.deletionwatch.kibana.assets.Lens.metric;
import static io.deletionwatch.kibana.assets.Lens.overTime;
import static io.deletionwatch.kibana.assets.Lens.perHour;
import static io.deletionwatch.kibana.assets.Lens.sum;
import static io.deletionwatch.kibana.assets.Lens.table;
import static io.deletionwatch.kibana.assets.Lens.terms;
import static io.deletionwatch.kibana.assets.Lens.termsByValue;
import static io.deletionwatch.kibana.assets.Lens.uniqueCount;
import static io.deletionwatch.kibana.assets.Lens.xy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The source of truth of {@code kibana/saved-objects/deletion-watch.ndjson}: two data views, a
 * saved search per rule, and the dashboards.
 *
 * <p>Written for Kibana 8.9, the oldest we support: {@code coreMigrationVersion} 8.8.0 (what every
 * 8.8+ export carries) and, per type, a {@code typeMigrationVersion} that 8.9 knows, so newer
 * Kibanas migrate the objects on import and 8.9 takes them as they are. Dashboards are at 8.9.0,
 * the version of Lens's last by-value migration, so no Lens migration rewrites our panels.
 */
final class SavedObjectsDefinition {
    static final String CORE_MIGRATION_VERSION = "8.8.0";
    static final Map<String, String> TYPE_MIGRATION_VERSIONS =
            Map.of("index-pattern", "8.0.0", "search", "8.0.0", "dashboard", "8.9.0");

    static final String FINDINGS = "deletion-watch-findings";
    static final String DEAD_LETTERS = "deletion-watch-dead-letters";

    static final String OVERVIEW = "deletion-watch-overview";
    static final String NSG = "deletion-watch-nsg";
    static final String MASS_DELETION = "deletion-watch-mass-deletion-and-log-tampering";
    static final String PIPELINE = "deletion-watch-pipeline-health";
    static final String INVESTIGATION = "deletion-watch-investigation";

    static final String ALL_FINDINGS_SEARCH = "deletion-watch-search-all-findings";
    static final String DEAD_LETTER_SEARCH = "deletion-watch-search-dead-letters";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String INVESTIGATE_CALLER = "Investigate this caller";
    private static final String INVESTIGATE_RESOURCE = "Investigate this resource";
    private static final String BAR = "bar_stacked";
    private static final String NSG_RULES =
            "rule.id:(\"nsg-deleted\" or \"nsg-rule-changed\" or \"nsg-disassociated-then-deleted\""
                    + " or \"nsg-forced-deletion\")";
    private static final String NSG_LEFT_UNPROTECTED =
            "rule.id:(\"nsg-disassociated-then-deleted\" or \"nsg-forced-deletion\")";
    private static final String NSG_DELETIONS =
            "rule.id:(\"nsg-deleted\" or \"nsg-disassociated-then-deleted\" or \"nsg-forced-deletion\")";
    private static final String OPENS_FROM_ANY =
            "rule.id:\"nsg-rule-changed\" and deletion_watch.nsg_rule.opens_inbound_from_any:true";
    private static final String MASS_DELETION_RULE = "rule.id:\"mass-deletion\"";
    private static final String LOGGING_RULES =
            "rule.id:(\"logging-disabled\" or \"logging-disabled-then-deletion\")";
    private static final String LOGGING_THEN_DELETION = "rule.id:\"logging-disabled-then-deletion\"";
    private static final String NEEDS_ATTENTION = " and not deletion_watch.allowlisted:true";

    private SavedObjectsDefinition() {}

    static List<ObjectNode> objects() {
        List<ObjectNode> objects = new ArrayList<>();
        objects.add(dataView(FINDINGS, KibanaAssets.FINDINGS_DATA_STREAM_PATTERN,
                "deletion-watch findings"));
        objects.add(dataView(DEAD_LETTERS, KibanaAssets.DEAD_LETTER_DATA_STREAM_PATTERN,
                "deletion-watch dead letters"));
        objects.add(savedSearch(
                ALL_FINDINGS_SEARCH,
                "[deletion-watch] All findings",
                "Every finding, newest first, with the columns to triage by.",
                FINDINGS,
                "",
                List.of("deletion_watch.severity", "rule.name", "message", "deletion_watch.caller",
                        "deletion_watch.principal_type", "cloud.account.id", "azure.resource.group",
                        "azure.resource.name", "source.address", "deletion_watch.allowlisted"),
                List.of(List.of("@timestamp", "desc"))));
        for (FindingRule rule : FindingRule.ALL) {
            objects.add(savedSearch(
                    rule.savedSearchId(),
                    "[deletion-watch] " + rule.title(),
                    rule.description(),
                    FINDINGS,
                    rule.kql(),
                    rule.searchColumns(),
                    rule.searchSort()));
        }
        objects.add(savedSearch(
                DEAD_LETTER_SEARCH,
                "[deletion-watch] Dead letters",
                "Input and findings the pipeline could not use, with the reason.",
                DEAD_LETTERS,
                "",
                List.of("deletion_watch.dead_letter.reason", "deletion_watch.dead_letter.stage",
                        "deletion_watch.dead_letter.topic", "deletion_watch.dead_letter.partition",
                        "deletion_watch.dead_letter.offset", "error.message"),
                List.of(List.of("@timestamp", "desc"))));
        objects.add(overview());
        objects.add(nsg());
        objects.add(massDeletionAndLogTampering());
        objects.add(pipelineHealth());
        objects.add(investigation());
        return objects;
    }

    private static ObjectNode overview() {
        return new DashboardBuilder(
                        OVERVIEW,
                        "[deletion-watch] Overview",
                        "Destructive and defense-evasion activity in the Azure Activity Log: what "
                                + "needs attention now, who does it, and where. Click a caller, "
                                + "subscription or resource group to investigate it.",
                        "now-7d")
                .row(7,
                        lens(metric("Critical findings, last 24 hours", FINDINGS,
                                "deletion_watch.severity:\"critical\"" + NEEDS_ATTENTION,
                                count("Critical")), 12).timeFrom("now-24h"),
                        lens(metric("High findings, last 24 hours", FINDINGS,
                                "deletion_watch.severity:\"high\"" + NEEDS_ATTENTION,
                                count("High")), 12).timeFrom("now-24h"),
                        lens(metric("Findings", FINDINGS, "", count("Findings")), 8),
                        lens(metric("Callers", FINDINGS, "", uniqueCount("deletion_watch.caller", "Callers")), 8),
                        lens(metric("Subscriptions", FINDINGS, "",
                                uniqueCount("azure.subscription_id", "Subscriptions")), 8))
                .row(12,
                        lens(xy("Findings over time by rule", FINDINGS, BAR, "", overTime(),
                                terms("rule.name", "Rule", 10), count("Findings")), 24),
                        lens(xy("Findings over time by severity", FINDINGS, BAR, "", overTime(),
                                terms("deletion_watch.severity", "Severity", 4),
                                count("Findings")), 24))
                .row(12,
                        lens(table("Top callers", FINDINGS, "",
                                List.of(terms("deletion_watch.caller", "Caller", 10),
                                        terms("deletion_watch.principal_type", "Principal type", 3)),
                                count("Findings"), uniqueCount("rule.id", "Rules"),
                                max("event.severity", "Highest severity")), 16)
                                .drilldown(INVESTIGATE_CALLER, INVESTIGATION),
                        lens(table("Top subscriptions", FINDINGS, "",
                                List.of(terms("azure.subscription_id", "Subscription", 10)),
                                count("Findings"), uniqueCount("deletion_watch.caller", "Callers")), 16)
                                .drilldown("Investigate this subscription", INVESTIGATION),
                        lens(table("Top resource groups", FINDINGS, "",
                                List.of(terms("azure.resource.group", "Resource group", 10)),
                                count("Findings"), uniqueCount("deletion_watch.caller", "Callers")), 16)
                                .drilldown("Investigate this resource group", INVESTIGATION))
                .row(16, search(ALL_FINDINGS_SEARCH, 48))
                .build();
    }

    private static ObjectNode nsg() {
        return new DashboardBuilder(
                        NSG,
                        "[deletion-watch] Network security groups",
                        "NSGs deleted, detached then deleted, or force-deleted with the subnets "
                                + "and NICs they leave unprotected; NSG rule changes, those "
                                + "opening inbound traffic from any source first.",
                        "now-7d")
                .row(7,
                        lens(metric("NSG deletions", FINDINGS, "rule.id:\"nsg-deleted\"",
                                count("Deleted")), 12),
                        lens(metric("Disassociated, then deleted", FINDINGS,
                                "rule.id:\"nsg-disassociated-then-deleted\"", count("Findings")), 12),
                        lens(metric("Forced deletions", FINDINGS, "rule.id:\"nsg-forced-deletion\"",
                                count("Findings")), 12),
                        lens(metric("Subnets and NICs left unprotected", FINDINGS,
                                NSG_LEFT_UNPROTECTED,
                                uniqueCount("deletion_watch.unprotected_resources", "Unprotected")),
                                12))
                .row(12,
                        lens(table("Rules opening inbound traffic from any source", FINDINGS,
                                OPENS_FROM_ANY,
                                List.of(terms("azure.resource.name", "NSG", 10),
                                        terms("deletion_watch.nsg_rule.name", "Rule", 10),
                                        terms("deletion_watch.nsg_rule.destination_ports", "Ports", 5),
                                        terms("deletion_watch.caller", "Caller", 5)),
                                count("Changes")), 24)
                                .drilldown(INVESTIGATE_CALLER, INVESTIGATION),
                        lens(xy("NSG findings over time by rule", FINDINGS, BAR, NSG_RULES,
                                overTime(), terms("rule.name", "Rule", 4), count("Findings")), 24))
                .row(12,
                        lens(table("Subnets and NICs left unprotected", FINDINGS,
                                NSG_LEFT_UNPROTECTED,
                                List.of(terms("deletion_watch.unprotected_resources",
                                                "Subnet or NIC", 20),
                                        terms("azure.resource.name", "Deleted NSG", 5),
                                        terms("deletion_watch.caller", "Caller", 5)),
                                count("Findings")), 24)
                                .drilldown(INVESTIGATE_RESOURCE, INVESTIGATION),
                        lens(table("NSGs deleted", FINDINGS, NSG_DELETIONS,
                                List.of(terms("azure.resource.name", "NSG", 20),
                                        terms("azure.resource.group", "Resource group", 5),
                                        terms("rule.name", "How", 3),
                                        terms("deletion_watch.caller", "Caller", 5)),
                                count("Findings")), 24)
                                .drilldown(INVESTIGATE_RESOURCE, INVESTIGATION))
                .row(12,
                        lens(table("NSG rule changes, inbound from any source first", FINDINGS,
                                "rule.id:\"nsg-rule-changed\"",
                                List.of(termsByValue("deletion_watch.nsg_rule.opens_inbound_from_any",
                                                "Opens inbound from any source", 2),
                                        terms("deletion_watch.nsg_rule.access", "Access", 2),
                                        terms("deletion_watch.nsg_rule.direction", "Direction", 2),
                                        terms("deletion_watch.nsg_rule.source", "Source", 5),
                                        terms("azure.resource.name", "NSG", 10)),
                                count("Changes")), 24)
                                .drilldown(INVESTIGATE_RESOURCE, INVESTIGATION),
                        search(FindingRule.byId("nsg-rule-changed").savedSearchId(), 24))
                .row(14,
                        search(FindingRule.byId("nsg-disassociated-then-deleted").savedSearchId(), 24),
                        search(FindingRule.byId("nsg-forced-deletion").savedSearchId(), 24))
                // What the deleted NSG held: filter on one finding (event.id) to see its rules.
                .row(14,
                        lens(table("Rules of the deleted NSG (last known definition)", FINDINGS,
                                NSG_DELETIONS,
                                List.of(terms("event.id", "Finding", 10),
                                        terms("azure.resource.name", "Deleted NSG", 10),
                                        terms("deletion_watch.restore.rule_summaries",
                                                "Rule: priority name: access direction protocol from to", 100),
                                        terms("deletion_watch.restore.last_seen_correlation_id", "Written by (correlation id)", 1)),
                                count("Findings")), 48)
                                .drilldown(INVESTIGATE_RESOURCE, INVESTIGATION))
                .build();
    }

    private static ObjectNode massDeletionAndLogTampering() {
        return new DashboardBuilder(
                        MASS_DELETION,
                        "[deletion-watch] Mass deletion and log tampering",
                        "Bursts of deletions per caller and what they deleted; logging switched "
                                + "off, and the deletions that followed.",
                        "now-7d")
                .row(7,
                        lens(metric("Mass-deletion bursts", FINDINGS, MASS_DELETION_RULE,
                                count("Bursts")), 12),
                        lens(metric("Resources deleted in bursts", FINDINGS, MASS_DELETION_RULE,
                                sum("deletion_watch.count", "Resources")), 12),
                        lens(metric("Logging disabled", FINDINGS, "rule.id:\"logging-disabled\"",
                                count("Findings")), 12),
                        lens(metric("Logging disabled, then deletions", FINDINGS,
                                LOGGING_THEN_DELETION, count("Findings")), 12))
                .row(12,
                        lens(xy("Bursts per caller over time", FINDINGS, BAR, MASS_DELETION_RULE,
                                overTime(), terms("deletion_watch.caller", "Caller", 10),
                                sum("deletion_watch.count", "Resources deleted")), 24),
                        lens(table("Bursts per caller", FINDINGS, MASS_DELETION_RULE,
                                List.of(terms("deletion_watch.caller", "Caller", 20),
                                        terms("deletion_watch.principal_type", "Principal type", 3)),
                                count("Bursts"), sum("deletion_watch.count", "Resources deleted"),
                                max("deletion_watch.count", "Largest burst")), 24)
                                .drilldown(INVESTIGATE_CALLER, INVESTIGATION))
                .row(12,
                        lens(xy("Delete operations in bursts", FINDINGS, "bar_horizontal",
                                MASS_DELETION_RULE,
                                terms("deletion_watch.evidence.operation", "Operation", 15), null,
                                count("Bursts")), 24),
                        lens(table("Resource groups hit by bursts", FINDINGS, MASS_DELETION_RULE,
                                List.of(terms("deletion_watch.resource_groups", "Resource group", 20)),
                                count("Bursts"), sum("deletion_watch.count", "Resources deleted")),
                                24)
                                .drilldown(INVESTIGATE_RESOURCE, INVESTIGATION))
                .row(12,
                        lens(table("Logging disabled", FINDINGS, LOGGING_RULES,
                                List.of(terms("azure.resource.name", "Setting", 20),
                                        terms("rule.name", "Finding", 2),
                                        terms("deletion_watch.caller", "Caller", 5)),
                                count("Findings")), 24)
                                .drilldown(INVESTIGATE_CALLER, INVESTIGATION),
                        lens(table("What followed logging being disabled", FINDINGS,
                                LOGGING_THEN_DELETION,
                                List.of(terms("deletion_watch.evidence.operation", "Operation", 10),
                                        terms("deletion_watch.evidence.resource_id", "Resource", 20)),
                                count("Findings")), 24)
                                .drilldown(INVESTIGATE_RESOURCE, INVESTIGATION))
                .row(14,
                        search(FindingRule.byId("logging-disabled-then-deletion").savedSearchId(), 24),
                        search(FindingRule.byId("mass-deletion").savedSearchId(), 24))
                .build();
    }

    private static ObjectNode pipelineHealth() {
        return new DashboardBuilder(
                        PIPELINE,
                        "[deletion-watch] Pipeline health",
                        "Is the pipeline keeping up and what is it dropping: dead letters by "
                                + "reason, findings per rule per hour.",
                        "now-24h")
                .row(7,
                        lens(metric("Dead letters", DEAD_LETTERS, "", count("Dead letters")), 12),
                        lens(metric("Dead-letter reasons", DEAD_LETTERS, "",
                                uniqueCount("deletion_watch.dead_letter.reason", "Reasons")), 12),
                        lens(metric("Findings", FINDINGS, "", count("Findings")), 12),
                        lens(metric("Rules that fired", FINDINGS, "",
                                uniqueCount("rule.id", "Rules")), 12))
                .row(12,
                        lens(xy("Dead letters by reason over time", DEAD_LETTERS, BAR, "",
                                overTime(), terms("deletion_watch.dead_letter.reason", "Reason", 10),
                                count("Dead letters")), 24),
                        lens(xy("Findings per rule per hour", FINDINGS, BAR, "", perHour(),
                                terms("rule.id", "Rule", 10), count("Findings")), 24))
                .row(12,
                        lens(table("Dead letters by stage and reason", DEAD_LETTERS, "",
                                List.of(terms("deletion_watch.dead_letter.stage", "Stage", 5),
                                        terms("deletion_watch.dead_letter.reason", "Reason", 10)),
                                count("Dead letters")), 24),
                        lens(table("Dead letters by input topic", DEAD_LETTERS,
                                "deletion_watch.dead_letter.topic:*",
                                List.of(terms("deletion_watch.dead_letter.topic", "Topic", 10)),
                                count("Dead letters"),
                                max("deletion_watch.dead_letter.offset", "Last offset")), 24))
                .row(14, search(DEAD_LETTER_SEARCH, 48))
                .build();
    }

    private static ObjectNode investigation() {
        return new DashboardBuilder(
                        INVESTIGATION,
                        "[deletion-watch] Investigation",
                        "Everything about one caller or resource: drill down here from the other "
                                + "dashboards, or pick a caller, subscription, resource group or "
                                + "resource above.",
                        "now-7d")
                .controls(FINDINGS,
                        new String[] {"deletion_watch.caller", "Caller"},
                        new String[] {"azure.subscription_id", "Subscription"},
                        new String[] {"azure.resource.group", "Resource group"},
                        new String[] {"azure.resource.id", "Resource"})
                .row(7,
                        lens(metric("Findings", FINDINGS, "", count("Findings")), 12),
                        lens(metric("Critical and high", FINDINGS,
                                "deletion_watch.severity:(\"critical\" or \"high\")",
                                count("Critical and high")), 12),
                        lens(metric("Resources", FINDINGS, "",
                                uniqueCount("azure.resource.id", "Resources")), 12),
                        lens(metric("Source IPs", FINDINGS, "",
                                uniqueCount("source.ip", "Source IPs")), 12))
                .row(12,
                        lens(xy("Findings over time by rule", FINDINGS, BAR, "", overTime(),
                                terms("rule.name", "Rule", 10), count("Findings")), 24),
                        lens(table("Callers", FINDINGS, "",
                                List.of(terms("deletion_watch.caller", "Caller", 10),
                                        terms("deletion_watch.principal_type", "Principal type", 3)),
                                count("Findings"), uniqueCount("azure.resource.id", "Resources")),
                                24))
                .row(12,
                        lens(table("Resources", FINDINGS, "",
                                List.of(terms("azure.resource.id", "Resource", 20),
                                        terms("rule.name", "Rule", 5)),
                                count("Findings")), 24),
                        lens(table("Source IPs", FINDINGS, "",
                                List.of(terms("source.ip", "Source IP", 10)),
                                count("Findings"), uniqueCount("deletion_watch.caller", "Callers")), 24))
                .row(16, search(ALL_FINDINGS_SEARCH, 48))
                .build();
    }

    static ObjectNode dataView(String id, String pattern, String name) {
        ObjectNode object = MAPPER.createObjectNode();
        object.put("type", "index-pattern");
        object.put("id", id);
        ObjectNode attributes = object.putObject("attributes");
        attributes.put("title", pattern);
        attributes.put("name", name);
        attributes.put("timeFieldName", "@timestamp");
        // Kibana reads the fields from the cluster; these are its empty encoded defaults.
        attributes.put("fields", "[]");
        attributes.put("fieldAttrs", "{}");
        attributes.put("fieldFormatMap", "{}");
        attributes.put("runtimeFieldMap", "{}");
        attributes.put("sourceFilters", "[]");
        attributes.put("typeMeta", "{}");
        // The dashboards open before the job has written anything.
        attributes.put("allowNoIndex", true);
        object.putArray("references");
        stampVersions(object);
        return object;
    }

    static ObjectNode savedSearch(
            String id,
            String title,
            String description,
            String dataViewId,
            String kql,
            List<String> columns,
            List<List<String>> sort) {
        ObjectNode object = MAPPER.createObjectNode();
        object.put("type", "search");
        object.put("id", id);
        ObjectNode attributes = object.putObject("attributes");
        attributes.put("title", title);
        attributes.put("description", description);
        ArrayNode columnArray = attributes.putArray("columns");
        columns.forEach(columnArray::add);
        ArrayNode sortArray = attributes.putArray("sort");
        for (List<String> pair : sort) {
            sortArray.addArray().add(pair.get(0)).add(pair.get(1));
        }
        attributes.putObject("grid");
        attributes.put("hideChart", false);
        ObjectNode searchSource = MAPPER.createObjectNode();
        searchSource.putObject("query").put("query", kql).put("language", "kuery");
        searchSource.putArray("filter");
        searchSource.put("highlightAll", true);
        searchSource.put("version", true);
        searchSource.put("indexRefName", "kibanaSavedObjectMeta.searchSourceJSON.index");
        attributes.putObject("kibanaSavedObjectMeta").put("searchSourceJSON", encode(searchSource));
        object.putArray("references")
                .addObject()
                .put("name", "kibanaSavedObjectMeta.searchSourceJSON.index")
                .put("type", "index-pattern")
                .put("id", dataViewId);
        stampVersions(object);
        return object;
    }

    static void stampVersions(ObjectNode object) {
        object.put("coreMigrationVersion", CORE_MIGRATION_VERSION);
        object.put("typeMigrationVersion", TYPE_MIGRATION_VERSIONS.get(object.get("type").asText()));
    }

    /** A JSON value as the encoded string Kibana's import API expects in these attributes. */
    static String encode(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
