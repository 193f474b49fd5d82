package io.deletionwatch.job.findings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.IndexedDocument;
import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.events.ResourceId;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The ECS document of a finding: what is indexed into Elasticsearch and what {@code detect}
 * prints, field for field the same. The index template
 * ({@code findings-template.json}) maps every field written here.
 */
public final class FindingDocument {
    public static final String DEFAULT_DATA_STREAM = ElasticsearchSinkOptions.DEFAULT_DATA_STREAM;
    public static final String RULESET = "deletion-watch";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FindingDocument() {}

    public static IndexedDocument toIndexedDocument(Finding finding) {
        return new IndexedDocument(finding.id(), toBytes(finding), version(finding));
    }

    /**
     * A number that only grows between versions of one finding, so that the sink replaces a stored
     * finding by a later version and never by an earlier or equal one: a burst's count of distinct
     * resources (each update has more), else the number of evidence events (a sequence that
     * gained some), at least 1; plus the finding's {@link Finding#revision} (each time a piece that
     * arrived late completed it). Neither part ever shrinks between the versions one operator
     * sends of a finding and each version grows one of them, so the sum grows too.
     */
    public static long version(Finding finding) {
        Long count = finding.details().count();
        return Math.max(1, count != null ? count : finding.evidence().size()) + finding.revision();
    }

    public static byte[] toBytes(Finding finding) {
        try {
            return MAPPER.writeValueAsBytes(toJson(finding));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize finding " + finding.id(), e);
        }
    }

    public static ObjectNode toJson(Finding f) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("@timestamp", f.time().toString());
        doc.put("message", f.message());
        ArrayNode tags = doc.putArray("tags").add(RULESET);
        if (f.allowlisted()) {
            tags.add("allowlisted");
        }
        if (!f.enrichment().labels().isEmpty()) {
            ObjectNode labels = doc.putObject("labels");
            f.enrichment().labels().forEach(labels::put);
        }

        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.put("id", f.id());
        event.put("created", f.created().toString());
        Evidence primary = ElasticAzureFields.primary(f);
        String action = ElasticAzureFields.action(f, primary);
        putIfPresent(event, "action", action);
        event.put("outcome", f.outcome());
        strings(event.putArray("category"), f.rule().eventCategory());
        strings(event.putArray("type"), f.rule().eventType());
        event.put("severity", f.severity().score());
        event.put("risk_score", (float) f.severity().score());
        event.put("dataset", "deletion_watch.findings");
        event.put("module", "deletion_watch");
        event.put("provider", "azure.activitylogs");

        ObjectNode rule = doc.putObject("rule");
        rule.put("id", f.rule().id());
        rule.put("name", f.rule().name());
        rule.put("description", f.rule().description());
        rule.put("ruleset", RULESET);
        rule.put("category", f.rule().category());

        Caller caller = f.caller();
        ObjectNode user = doc.putObject("user");
        putIfPresent(user, "id", caller.id());
        // As Elastic's Azure integration: a UPN's local part in user.name, its domain in
        // user.domain; a name the enrichment gave wins; an app id is no name (it has its field).
        ElasticAzureFields.UserName upn = ElasticAzureFields.split(caller.email());
        String userName = caller.name() == null || caller.name().equals(caller.appId()) ? null : caller.name();
        if (upn != null && caller.email().equals(userName)) {
            userName = upn.name();
        }
        putIfPresent(user, "name", userName);
        putIfPresent(user, "domain", upn == null ? null : upn.domain());
        putIfPresent(user, "email", caller.email());
        // callerIpAddress as given in source.address (ECS: the raw address, always); in the ip
        // fields only when it is an IP literal, which Elasticsearch would otherwise refuse, and
        // with it the whole finding.
        boolean ipLiteral = IpAddresses.isLiteral(f.sourceIp());
        if (f.sourceIp() != null) {
            ObjectNode source = doc.putObject("source");
            source.put("address", f.sourceIp());
            if (ipLiteral) {
                source.put("ip", f.sourceIp());
            }
        }

        ObjectNode cloud = doc.putObject("cloud");
        cloud.put("provider", "azure");
        ObjectNode account = cloud.putObject("account");
        putIfPresent(account, "id", f.subscriptionId());
        putIfPresent(account, "name", f.enrichment().accountName());
        putIfPresent(cloud, "region", ElasticAzureFields.region(f.location()));
        if (f.resource() != null) {
            cloud.put("resource_id", f.resource().id());
        }
        if (f.location() != null) {
            doc.putObject("geo").put("name", f.location());
        }

        ObjectNode azure = doc.putObject("azure");
        putIfPresent(azure, "subscription_id", f.subscriptionId());
        putIfPresent(azure, "correlation_id", f.correlationId());
        putIfPresent(azure, "tenant_id", f.tenantId());
        // The same facts under the names the integration's current layout gives them.
        if (f.correlationId() != null) {
            azure.putObject("correlation").put("id", f.correlationId());
        }
        String tenant = f.tenantId() != null ? f.tenantId() : ElasticAzureFields.tenantOf(f.resource());
        if (tenant != null) {
            azure.putObject("tenant").put("id", tenant);
        }
        ResourceId resource = f.resource();
        if (resource != null) {
            ObjectNode r = azure.putObject("resource");
            r.put("id", resource.id());
            putIfPresent(r, "group", resource.resourceGroup());
            putIfPresent(r, "provider", resource.provider());
            putIfPresent(r, "type", resource.type());
            putIfPresent(r, "name", resource.name());
            if (resource.resourceGroup() != null) {
                azure.putObject("resource_group").put("name", resource.resourceGroup());
            }
            String namespace = ElasticAzureFields.providerNamespace(resource);
            if (namespace != null) {
                azure.putObject("resource_provider").put("namespace", namespace);
            }
        }
        ObjectNode activityLog = azure.putObject("activitylogs");
        putIfPresent(activityLog, "operation_name", action);
        putIfPresent(activityLog, "result_type", primary == null ? null : primary.phase());
        if (caller.appId() != null) {
            activityLog.putObject("identity").putObject("claims").put("appid", caller.appId());
        }

        threat(doc.putObject("threat"), f.rule());

        ObjectNode related = doc.putObject("related");
        Set<String> users = new LinkedHashSet<>();
        addIfPresent(users, userName);
        addIfPresent(users, caller.name());
        addIfPresent(users, caller.id());
        strings(related.putArray("user"), users);
        if (ipLiteral) {
            related.putArray("ip").add(f.sourceIp());
        }
        // What Elastic's integration relates its events by: the resource id and the principal.
        Set<String> entities = new LinkedHashSet<>();
        addIfPresent(entities, resource == null ? null : resource.id());
        addIfPresent(entities, caller.id());
        if (!entities.isEmpty()) {
            strings(related.putArray("entity"), entities);
        }

        ObjectNode dw = doc.putObject("deletion_watch");
        dw.put("severity", f.severity().label());
        dw.put("version", version(f));
        dw.put("principal_type", caller.principalType());
        // Who, always by some name: user.name stays empty for an app as in Elastic's layout, but
        // dashboards and alert messages must still name every caller.
        if (caller.name() != null || caller.id() != null) {
            dw.put("caller", caller.displayName());
        }
        strings(dw.putArray("insider_threat_matrix"), f.rule().insiderThreatMatrix());
        dw.put("allowlisted", f.allowlisted());
        f.enrichment().labels().forEach((k, v) -> {
            if (k.equals("environment") || k.equals("owner") || k.equals("criticality")) {
                dw.put(k, v);
            }
        });
        details(dw, f.details());
        ArrayNode evidence = dw.putArray("evidence");
        for (Evidence e : f.evidence()) {
            ObjectNode item = evidence.addObject();
            item.put("time", e.time().toString());
            putIfPresent(item, "operation", e.operation());
            putIfPresent(item, "resource_id", e.resourceId());
            putIfPresent(item, "phase", e.phase());
            putIfPresent(item, "correlation_id", e.correlationId());
            putIfPresent(item, "status_code", e.statusCode());
            putIfPresent(item, "caller", e.caller());
        }
        return doc;
    }

    private static void threat(ObjectNode threat, RuleDefinition rule) {
        threat.put("framework", "MITRE ATT&CK");
        ArrayNode tactics = threat.putArray("tactic");
        ArrayNode techniques = threat.putArray("technique");
        Set<String> seenTactics = new LinkedHashSet<>();
        for (Technique t : rule.techniques()) {
            if (seenTactics.add(t.tacticId())) {
                tactics.addObject()
                        .put("id", t.tacticId())
                        .put("name", t.tacticName())
                        .put("reference", Technique.reference(t.tacticId()));
            }
            ObjectNode technique =
                    techniques
                            .addObject()
                            .put("id", t.techniqueId())
                            .put("name", t.techniqueName())
                            .put("reference", Technique.reference(t.techniqueId()));
            if (t.subtechniqueId() != null) {
                technique
                        .putArray("subtechnique")
                        .addObject()
                        .put("id", t.subtechniqueId())
                        .put("name", t.subtechniqueName())
                        .put("reference", Technique.reference(t.subtechniqueId()));
            }
        }
    }

    private static void details(ObjectNode dw, FindingDetails d) {
        if (d.count() != null) {
            dw.put("count", d.count());
        }
        putIfPresent(dw, "first_seen", d.firstSeen());
        putIfPresent(dw, "last_seen", d.lastSeen());
        if (d.resourceGroups() != null) {
            strings(dw.putArray("resource_groups"), d.resourceGroups());
        }
        if (d.resourceTypes() != null) {
            ObjectNode types = dw.putObject("resource_types");
            for (Map.Entry<String, Long> e : d.resourceTypes().entrySet()) {
                types.put(e.getKey(), e.getValue());
            }
        }
        if (d.unprotectedResources() != null) {
            strings(dw.putArray("unprotected_resources"), d.unprotectedResources());
        }
        NsgRuleChange rule = d.nsgRule();
        if (rule != null) {
            ObjectNode r = dw.putObject("nsg_rule");
            putIfPresent(r, "name", rule.name());
            putIfPresent(r, "access", rule.access());
            putIfPresent(r, "direction", rule.direction());
            putIfPresent(r, "protocol", rule.protocol());
            putIfPresent(r, "source", rule.source());
            putIfPresent(r, "destination_ports", rule.destinationPorts());
            r.put("opens_inbound_from_any", rule.opensInboundFromAny());
        }
        if (d.restore() != null) {
            restore(dw.putObject("restore"), d.restore());
        }
    }

    /** {@code deletion_watch.restore}: what the deleted NSG was and how to put it back. */
    private static void restore(ObjectNode r, NsgRestore restore) {
        putIfPresent(r, "last_seen", restore.lastSeen());
        putIfPresent(r, "last_seen_correlation_id", restore.lastSeenCorrelationId());
        putIfPresent(r, "location", restore.location());
        if (restore.tags() != null && !restore.tags().isEmpty()) {
            ObjectNode tags = r.putObject("tags");
            new java.util.TreeMap<>(restore.tags()).forEach(tags::put);
        }
        r.put("truncated", restore.truncated());
        r.put("rule_count", restore.securityRules().size());
        ArrayNode rules = r.putArray("security_rules");
        ArrayNode summaries = r.putArray("rule_summaries");
        for (NsgSecurityRule rule : restore.securityRules()) {
            ObjectNode item = rules.addObject();
            item.put("name", rule.name());
            if (rule.priority() != null) {
                item.put("priority", rule.priority());
            }
            putIfPresent(item, "direction", rule.direction());
            putIfPresent(item, "access", rule.access());
            putIfPresent(item, "protocol", rule.protocol());
            strings(item.putArray("source_address_prefixes"), rule.sourceAddressPrefixes());
            strings(item.putArray("source_port_ranges"), rule.sourcePortRanges());
            strings(item.putArray("destination_address_prefixes"), rule.destinationAddressPrefixes());
            strings(item.putArray("destination_port_ranges"), rule.destinationPortRanges());
            putIfPresent(item, "description", rule.description());
            summaries.add(rule.summary());
        }
        strings(r.putArray("subnets"), restore.subnets());
        strings(r.putArray("network_interfaces"), restore.networkInterfaces());
        r.put("arm_template", RestoreTemplate.armTemplate(restore));
        strings(r.putArray("reattach_commands"), RestoreTemplate.reattachCommands(restore));
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }
}
