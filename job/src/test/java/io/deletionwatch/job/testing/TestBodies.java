package io.deletionwatch.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Request/response bodies and error messages shaped like ARM's. */
public final class TestBodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestBodies() {}

    /** A subnet PUT body; {@code nsgId} null for a subnet without an NSG. */
    public static String subnet(String name, String nsgId) {
        ObjectNode body = MAPPER.createObjectNode().put("name", name);
        subnetProperties(body.putObject("properties"), nsgId);
        return body.toString();
    }

    private static void subnetProperties(ObjectNode properties, String nsgId) {
        properties.put("addressPrefix", "10.0.1.0/24");
        properties.put("privateEndpointNetworkPolicies", "Disabled");
        if (nsgId != null) {
            properties.putObject("networkSecurityGroup").put("id", nsgId);
        }
    }

    /** A VNet PUT body with inline subnets (name to NSG id, or to null). */
    public static String vnet(Map<String, String> subnetNsgs) {
        ObjectNode body = MAPPER.createObjectNode().put("location", "westeurope");
        ObjectNode properties = body.putObject("properties");
        properties.putObject("addressSpace").putArray("addressPrefixes").add("10.0.0.0/16");
        ArrayNode subnets = properties.putArray("subnets");
        subnetNsgs.forEach(
                (name, nsg) -> {
                    ObjectNode subnet = subnets.addObject().put("name", name);
                    subnetProperties(subnet.putObject("properties"), nsg);
                });
        return body.toString();
    }

    /** A NIC PUT body; {@code nsgId} null for a NIC without an NSG. */
    public static String nic(String subnetId, String nsgId) {
        ObjectNode body = MAPPER.createObjectNode().put("location", "westeurope");
        ObjectNode properties = body.putObject("properties");
        ObjectNode ipConfig = properties.putArray("ipConfigurations").addObject().put("name", "ipconfig1");
        ObjectNode ipProperties = ipConfig.putObject("properties");
        ipProperties.put("privateIPAllocationMethod", "Dynamic");
        ipProperties.putObject("subnet").put("id", subnetId);
        if (nsgId != null) {
            properties.putObject("networkSecurityGroup").put("id", nsgId);
        }
        return body.toString();
    }

    /** An NSG's body as a response lists it, with the subnets and NICs it is attached to. */
    public static String nsg(List<String> subnetIds, List<String> nicIds) {
        ObjectNode body = MAPPER.createObjectNode().put("location", "westeurope");
        ObjectNode properties = body.putObject("properties");
        properties.putArray("securityRules");
        ArrayNode subnets = properties.putArray("subnets");
        subnetIds.forEach(id -> subnets.addObject().put("id", id));
        ArrayNode nics = properties.putArray("networkInterfaces");
        nicIds.forEach(id -> nics.addObject().put("id", id));
        return body.toString();
    }

    /** A security rule PUT body. */
    public static String securityRule(
            String access, String direction, String protocol, String source, String port, int priority) {
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        properties.put("protocol", protocol);
        properties.put("sourcePortRange", "*");
        properties.put("destinationPortRange", port);
        properties.put("sourceAddressPrefix", source);
        properties.put("destinationAddressPrefix", "*");
        properties.put("access", access);
        properties.put("priority", priority);
        properties.put("direction", direction);
        return body.toString();
    }

    /** The error of a delete refused because the NSG is in use, as {@code statusMessage}. */
    public static String nsgInUse(String nsgId, String... holderIds) {
        ObjectNode error = MAPPER.createObjectNode();
        ObjectNode e = error.putObject("error");
        e.put("code", "InUseNetworkSecurityGroupCannotBeDeleted");
        e.put(
                "message",
                "Network security group " + nsgId + " cannot be deleted because it is in use by the"
                        + " following resources: " + String.join(", ", holderIds) + ". In order to"
                        + " delete the Network security group, remove the association with the"
                        + " resource(s). To learn how to do this, see aka.ms/deletensg.");
        e.putArray("details");
        return error.toString();
    }
}
