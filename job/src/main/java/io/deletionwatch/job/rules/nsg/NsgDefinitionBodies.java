package io.deletionwatch.job.rules.nsg;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.findings.NsgSecurityRule;
import io.deletionwatch.job.rules.Bodies;
import io.deletionwatch.job.rules.Operations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what successful NSG, security rule, subnet and NIC writes say about an NSG's definition.
 * Bodies are hostile input: a body that is not JSON, has fields of the wrong type or is missing
 * gives fewer facts (or none), never an exception.
 */
public final class NsgDefinitionBodies {
    private static final String RULES_SEGMENT = "/securityrules/";

    private NsgDefinitionBodies() {}

    /** Whether the event can change a known NSG definition. */
    public static boolean isRelevant(ActivityEvent event) {
        if (!event.succeeded()) {
            return false;
        }
        String op = event.operation();
        return op.equals(Operations.NSG_WRITE)
                || op.equals(Operations.NSG_RULE_WRITE)
                || op.equals(Operations.NSG_RULE_DELETE)
                || op.equals(Operations.NSG_DELETE)
                || op.equals(Operations.SUBNET_WRITE)
                || op.equals(Operations.NIC_WRITE)
                || op.equals(Operations.VNET_WRITE);
    }

    /** The changes the event makes, one per NSG it concerns; empty when it tells nothing. */
    public static List<NsgDefinitionChange> changes(ActivityEvent event) {
        List<NsgDefinitionChange> out = new ArrayList<>();
        if (!isRelevant(event)) {
            return out;
        }
        String op = event.operation();
        ResourceId resource = event.resource();
        long time = event.time().toEpochMilli();
        if (op.equals(Operations.NSG_WRITE)) {
            JsonNode body = body(event);
            JsonNode properties = Bodies.properties(body);
            if (properties != null) {
                List<NsgSecurityRule> rules = new ArrayList<>();
                JsonNode listed = Bodies.field(properties, "securityRules");
                if (listed != null && listed.isArray()) {
                    for (JsonNode rule : listed) {
                        NsgSecurityRule parsed = rule(rule, null, time);
                        if (parsed != null) {
                            rules.add(parsed);
                        }
                    }
                }
                List<String> subnets = new ArrayList<>();
                List<String> nics = new ArrayList<>();
                for (Attachment a : NsgBodies.ofNsg(resource, text(body))) {
                    (a.holderKey().contains("/subnets/") ? subnets : nics).add(a.holderId());
                }
                out.add(change(NsgDefinitionChange.Kind.NSG_WRITTEN, resource, event,
                        Bodies.text(Bodies.field(body, "location")), tags(Bodies.field(body, "tags")),
                        rules, subnets, nics));
            }
        } else if (op.equals(Operations.NSG_RULE_WRITE) || op.equals(Operations.NSG_RULE_DELETE)) {
            ResourceId nsg = nsgOfRule(resource);
            if (nsg == null) {
                return out;
            }
            NsgSecurityRule rule =
                    op.equals(Operations.NSG_RULE_DELETE)
                            ? NsgSecurityRule.removed(resource.name(), time)
                            : rule(body(event), resource.name(), time);
            if (rule != null) {
                NsgDefinitionChange.Kind kind =
                        rule.removed() ? NsgDefinitionChange.Kind.RULE_DELETED : NsgDefinitionChange.Kind.RULE_WRITTEN;
                out.add(change(kind, nsg, event, null, null, List.of(rule), List.of(), List.of()));
            }
        } else if (op.equals(Operations.NSG_DELETE)) {
            out.add(change(NsgDefinitionChange.Kind.DELETED, resource, event, null, null, List.of(), List.of(), List.of()));
        } else {
            List<Attachment> shown = holderAttachments(event, event.responseBody());
            if (shown == null) {
                shown = holderAttachments(event, event.requestBody());
            }
            for (Attachment a : shown == null ? List.<Attachment>of() : shown) {
                if (a.nsgId() == null) {
                    continue;
                }
                ResourceId nsg = ResourceId.parse(a.nsgId());
                boolean subnet = a.holderKey().contains("/subnets/");
                out.add(change(NsgDefinitionChange.Kind.ATTACHED, nsg, event, null, null, List.of(),
                        subnet ? List.of(a.holderId()) : List.of(),
                        subnet ? List.of() : List.of(a.holderId())));
            }
        }
        return out;
    }

    private static List<Attachment> holderAttachments(ActivityEvent event, String json) {
        return event.operation().equals(Operations.VNET_WRITE)
                ? NsgBodies.ofVnet(event.resource(), json)
                : NsgBodies.ofHolder(event.resource(), json);
    }

    private static NsgDefinitionChange change(
            NsgDefinitionChange.Kind kind, ResourceId nsg, ActivityEvent event, String location,
            Map<String, String> tags, List<NsgSecurityRule> rules, List<String> subnets, List<String> nics) {
        return new NsgDefinitionChange(
                kind, nsg.key(), nsg.id(), event.time().toEpochMilli(), event.correlationId(), location,
                tags, rules, subnets, nics);
    }

    /** The response body (the state Azure kept), else the request body. */
    private static JsonNode body(ActivityEvent event) {
        JsonNode response = Bodies.object(event.responseBody());
        return Bodies.properties(response) != null ? response : Bodies.object(event.requestBody());
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.toString();
    }

    /** The NSG a security rule id belongs to: the id up to {@code /securityRules/}. */
    static ResourceId nsgOfRule(ResourceId rule) {
        int at = rule.key().lastIndexOf(RULES_SEGMENT);
        return at < 0 ? null : ResourceId.parse(rule.id().substring(0, at));
    }

    /**
     * A rule from its JSON ({@code {name, properties{...}}}); null when it has no properties.
     *
     * @param fallbackName the name from the resource id, when the body names none
     */
    static NsgSecurityRule rule(JsonNode rule, String fallbackName, long time) {
        JsonNode properties = Bodies.properties(rule);
        String name = Bodies.text(Bodies.field(rule, "name"));
        if (name == null) {
            name = fallbackName;
        }
        if (properties == null || name == null) {
            return null;
        }
        return new NsgSecurityRule(
                name,
                priority(Bodies.field(properties, "priority")),
                Bodies.text(Bodies.field(properties, "direction")),
                Bodies.text(Bodies.field(properties, "access")),
                Bodies.text(Bodies.field(properties, "protocol")),
                values(properties, "sourceAddressPrefix", "sourceAddressPrefixes"),
                values(properties, "sourcePortRange", "sourcePortRanges"),
                values(properties, "destinationAddressPrefix", "destinationAddressPrefixes"),
                values(properties, "destinationPortRange", "destinationPortRanges"),
                Bodies.text(Bodies.field(properties, "description")),
                time,
                false);
    }

    private static Integer priority(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        String text = Bodies.text(node);
        if (text != null && text.matches("\\d{1,9}")) {
            return Integer.valueOf(text);
        }
        return null;
    }

    /** Tag values are strings in ARM; other scalars are kept as text, containers dropped. */
    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> tag : node.properties()) {
                String value = Bodies.text(tag.getValue());
                if (!tag.getKey().isEmpty() && (value != null || tag.getValue().isTextual())) {
                    tags.put(tag.getKey(), value == null ? "" : value);
                }
            }
        }
        return tags;
    }

    private static List<String> values(JsonNode properties, String single, String plural) {
        List<String> values = new ArrayList<>();
        String one = Bodies.text(Bodies.field(properties, single));
        if (one != null) {
            values.add(one);
        }
        JsonNode many = Bodies.field(properties, plural);
        if (many != null && many.isArray()) {
            for (JsonNode value : many) {
                String text = Bodies.text(value);
                if (text != null && !values.contains(text)) {
                    values.add(text);
                }
            }
        }
        return values;
    }
}
