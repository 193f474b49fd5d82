package io.deletionwatch.job.findings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.job.events.ResourceId;
import java.util.ArrayList;
import java.util.List;

/**
 * How to put a deleted NSG back: an ARM template that recreates it with its last known rules, and
 * the {@code az} commands that attach it again to its subnets and NICs. The template follows the
 * public ARM schema of {@code Microsoft.Network/networkSecurityGroups} (API version {@value
 * #API_VERSION}): a rule the definition does not fully describe (priority, direction, access,
 * protocol, prefixes and ports, all required by ARM) is left out of the template rather than
 * guessed, and listed in {@link #incompleteRules}.
 */
public final class RestoreTemplate {
    public static final String SCHEMA =
            "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
    public static final String API_VERSION = "2023-09-01";
    public static final String TYPE = "Microsoft.Network/networkSecurityGroups";

    static final List<String> ACCESS = List.of("Allow", "Deny");
    static final List<String> DIRECTION = List.of("Inbound", "Outbound");
    static final List<String> PROTOCOL = List.of("Tcp", "Udp", "Icmp", "Esp", "*", "Ah");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RestoreTemplate() {}

    /** The ARM deployment template, pretty-printed. */
    public static String armTemplate(NsgRestore restore) {
        ObjectNode template = MAPPER.createObjectNode();
        template.put("$schema", SCHEMA);
        template.put("contentVersion", "1.0.0.0");
        ObjectNode nsg = template.putArray("resources").addObject();
        nsg.put("type", TYPE);
        nsg.put("apiVersion", API_VERSION);
        nsg.put("name", ResourceId.parse(restore.nsgId()).name());
        // Without a known location the NSG goes where its resource group is, an ARM expression.
        nsg.put("location", restore.location() != null ? restore.location() : "[resourceGroup().location]");
        if (restore.tags() != null && !restore.tags().isEmpty()) {
            ObjectNode tags = nsg.putObject("tags");
            new java.util.TreeMap<>(restore.tags()).forEach(tags::put); // the same bytes on every run
        }
        ArrayNode rules = nsg.putObject("properties").putArray("securityRules");
        for (NsgSecurityRule rule : restore.securityRules()) {
            if (isComplete(rule)) {
                rule(rules.addObject(), rule);
            }
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(template);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the ARM template", e);
        }
    }

    private static void rule(ObjectNode node, NsgSecurityRule rule) {
        node.put("name", rule.name());
        ObjectNode p = node.putObject("properties");
        p.put("priority", rule.priority());
        p.put("direction", canonical(rule.direction(), DIRECTION));
        p.put("access", canonical(rule.access(), ACCESS));
        p.put("protocol", canonical(rule.protocol(), PROTOCOL));
        oneOrMany(p, "sourceAddressPrefix", rule.sourceAddressPrefixes());
        oneOrMany(p, "sourcePortRange", rule.sourcePortRanges());
        oneOrMany(p, "destinationAddressPrefix", rule.destinationAddressPrefixes());
        oneOrMany(p, "destinationPortRange", rule.destinationPortRanges());
        if (rule.description() != null) {
            // ARM restricts a rule's description to 140 characters.
            String d = rule.description();
            p.put("description", d.length() <= 140 ? d : d.substring(0, 140));
        }
    }

    /** ARM has a singular field and its plural twin: one value goes in the first, more in the second. */
    private static void oneOrMany(ObjectNode p, String single, List<String> values) {
        if (values.size() == 1) {
            p.put(single, values.get(0));
        } else {
            ArrayNode many = p.putArray(single + (single.endsWith("Prefix") ? "es" : "s"));
            values.forEach(many::add);
        }
    }

    /** Whether the rule has every field ARM requires, with values ARM accepts. */
    public static boolean isComplete(NsgSecurityRule rule) {
        return !rule.removed()
                && rule.priority() != null
                && canonical(rule.direction(), DIRECTION) != null
                && canonical(rule.access(), ACCESS) != null
                && canonical(rule.protocol(), PROTOCOL) != null
                && !rule.sourceAddressPrefixes().isEmpty()
                && !rule.sourcePortRanges().isEmpty()
                && !rule.destinationAddressPrefixes().isEmpty()
                && !rule.destinationPortRanges().isEmpty();
    }

    /** The rules left out of the template, by name. */
    public static List<String> incompleteRules(NsgRestore restore) {
        return restore.securityRules().stream().filter(r -> !isComplete(r)).map(NsgSecurityRule::name).toList();
    }

    /** The value in ARM's letter case ("tcp" is "Tcp"), or null when ARM does not know it. */
    static String canonical(String value, List<String> allowed) {
        if (value == null) {
            return null;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                return a;
            }
        }
        return null;
    }

    /** One {@code az} command per subnet and NIC, attaching the NSG again. */
    public static List<String> reattachCommands(NsgRestore restore) {
        List<String> commands = new ArrayList<>();
        for (String subnet : restore.subnets()) {
            commands.add("az network vnet subnet update --ids " + quote(subnet)
                    + " --network-security-group " + quote(restore.nsgId()));
        }
        for (String nic : restore.networkInterfaces()) {
            commands.add("az network nic update --ids " + quote(nic)
                    + " --network-security-group " + quote(restore.nsgId()));
        }
        return commands;
    }

    /** A POSIX shell word: ids come from the log, so they are never trusted to be plain. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
