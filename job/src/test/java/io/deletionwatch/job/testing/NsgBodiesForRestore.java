package io.deletionwatch.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** NSG and security rule bodies as Azure returns them, with rules, tags and default rules. */
public final class NsgBodiesForRestore {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NsgBodiesForRestore() {}

    /** One security rule as an NSG body lists it: {@code {name, properties{...}}}. */
    public record Rule(
            String name, int priority, String direction, String access, String protocol,
            String source, String destinationPort, String description) {
        ObjectNode json() {
            ObjectNode rule = MAPPER.createObjectNode().put("name", name);
            ObjectNode p = rule.putObject("properties");
            p.put("provisioningState", "Succeeded");
            p.put("priority", priority);
            p.put("direction", direction);
            p.put("access", access);
            p.put("protocol", protocol);
            p.put("sourceAddressPrefix", source);
            p.put("sourcePortRange", "*");
            p.put("destinationAddressPrefix", "*");
            p.put("destinationPortRange", destinationPort);
            if (description != null) {
                p.put("description", description);
            }
            return rule;
        }

        /** The body of this rule's own PUT response. */
        public String body() {
            return json().toString();
        }
    }

    /** An NSG's response body: location, tags, rules, Azure's default rules, attachments. */
    public static String nsg(
            String location, Map<String, String> tags, List<Rule> rules, List<String> subnets,
            List<String> nics) {
        ObjectNode body = MAPPER.createObjectNode().put("location", location);
        ObjectNode t = body.putObject("tags");
        new java.util.TreeMap<>(tags).forEach(t::put); // Map.of's order differs between JVMs
        ObjectNode properties = body.putObject("properties");
        ArrayNode securityRules = properties.putArray("securityRules");
        rules.forEach(r -> securityRules.add(r.json()));
        properties
                .putArray("defaultSecurityRules")
                .add(new Rule("AllowVnetInBound", 65000, "Inbound", "Allow", "*", "VirtualNetwork", "*", null).json());
        ArrayNode s = properties.putArray("subnets");
        subnets.forEach(id -> s.addObject().put("id", id));
        ArrayNode n = properties.putArray("networkInterfaces");
        nics.forEach(id -> n.addObject().put("id", id));
        return body.toString();
    }
}
