package io.deletionwatch.job.bench;

import java.util.List;
import java.util.Random;

/** Request and response bodies and error messages shaped like ARM's, as JSON text. */
final class Bodies {
    static final String TAGS = "{\"location\":\"westeurope\",\"tags\":{\"owner\":\"netops\",\"costCenter\":\"cc-104\"}}";
    static final String QUOTA_ERROR =
            "{\"error\":{\"code\":\"OperationNotAllowed\",\"message\":\"Operation could not be completed as it"
                    + " results in exceeding approved standardDSv3Family Cores quota.\"}}";
    static final String OPEN_RDP =
            "{\"properties\":{\"protocol\":\"Tcp\",\"sourcePortRange\":\"*\",\"destinationPortRange\":\"3389\","
                    + "\"sourceAddressPrefix\":\"*\",\"destinationAddressPrefix\":\"*\",\"access\":\"Allow\","
                    + "\"priority\":110,\"direction\":\"Inbound\"}}";

    private Bodies() {}

    /** A subnet PUT body; {@code nsgId} null for a subnet without an NSG. */
    static String subnet(String name, String nsgId) {
        return "{\"name\":\"" + name + "\",\"properties\":{\"addressPrefix\":\"10.0.1.0/24\","
                + "\"privateEndpointNetworkPolicies\":\"Disabled\""
                + (nsgId == null ? "" : ",\"networkSecurityGroup\":{\"id\":\"" + nsgId + "\"}")
                + "}}";
    }

    /** A NIC PUT body; {@code nsgId} null for a NIC without an NSG. */
    static String nic(String subnetId, String nsgId) {
        return "{\"location\":\"westeurope\",\"properties\":{\"ipConfigurations\":[{\"name\":\"ipconfig1\","
                + "\"properties\":{\"privateIPAllocationMethod\":\"Dynamic\",\"subnet\":{\"id\":\"" + subnetId + "\"}}}]"
                + (nsgId == null ? "" : ",\"networkSecurityGroup\":{\"id\":\"" + nsgId + "\"}")
                + "}}";
    }

    /** An NSG as a response lists it, with the subnets and NICs it is attached to. */
    static String nsg(List<String> subnetIds, List<String> nicIds) {
        StringBuilder body = new StringBuilder("{\"location\":\"westeurope\",\"properties\":{\"securityRules\":[],\"subnets\":[");
        ids(body, subnetIds);
        body.append("],\"networkInterfaces\":[");
        ids(body, nicIds);
        return body.append("]}}").toString();
    }

    private static void ids(StringBuilder body, List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids.get(i)).append("\"}");
        }
    }

    static String vm(Random random) {
        return "{\"location\":\"westeurope\",\"properties\":{\"hardwareProfile\":{\"vmSize\":\"Standard_D"
                + (2 << random.nextInt(3)) + "s_v5\"}},\"tags\":{\"costCenter\":\"cc-" + (100 + random.nextInt(5)) + "\"}}";
    }

    /** The error of a delete refused because the NSG is in use, as {@code statusMessage}. */
    static String nsgInUse(String nsgId, String... holderIds) {
        return "{\"error\":{\"code\":\"InUseNetworkSecurityGroupCannotBeDeleted\",\"message\":\"Network security group "
                + nsgId + " cannot be deleted because it is in use by the following resources: "
                + String.join(", ", holderIds) + ". In order to delete the Network security group, remove the"
                + " association with the resource(s). To learn how to do this, see aka.ms/deletensg.\",\"details\":[]}}";
    }
}
