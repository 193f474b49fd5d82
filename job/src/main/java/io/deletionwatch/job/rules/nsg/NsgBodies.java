package io.deletionwatch.job.rules.nsg;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.rules.Bodies;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads which NSG a subnet, NIC or VNet write leaves attached. A PUT replaces the whole resource,
 * so a body with properties but no {@code networkSecurityGroup} means "no NSG"; a missing or
 * unreadable body means "unknown" (null).
 */
public final class NsgBodies {
    private NsgBodies() {}

    /**
     * The subnet's or NIC's attachment per its body: {@code properties.networkSecurityGroup.id}.
     *
     * @return a one-element list, or null when the body does not tell
     */
    public static List<Attachment> ofHolder(ResourceId holder, String json) {
        JsonNode properties = Bodies.properties(Bodies.object(json));
        if (properties == null) {
            return null;
        }
        List<Attachment> attachments = new ArrayList<>(1);
        attachments.add(new Attachment(holder.key(), holder.id(), nsgIdOf(properties)));
        return attachments;
    }

    /**
     * The attachments of the subnets a VNet body lists inline ({@code properties.subnets[]}); a
     * subnet without an id is named under the VNet.
     *
     * @return the list, or null when the body lists no subnets
     */
    public static List<Attachment> ofVnet(ResourceId vnet, String json) {
        JsonNode properties = Bodies.properties(Bodies.object(json));
        JsonNode subnets = Bodies.field(properties, "subnets");
        if (subnets == null || !subnets.isArray()) {
            return null;
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode subnet : subnets) {
            String id = Bodies.text(Bodies.field(subnet, "id"));
            if (id == null) {
                String name = Bodies.text(Bodies.field(subnet, "name"));
                if (name == null) {
                    continue;
                }
                id = vnet.id() + "/subnets/" + name;
            }
            JsonNode subnetProperties = Bodies.properties(subnet);
            ResourceId subnetId = ResourceId.parse(id);
            attachments.add(
                    new Attachment(
                            subnetId.key(),
                            subnetId.id(),
                            subnetProperties == null ? null : nsgIdOf(subnetProperties)));
        }
        return attachments;
    }

    /**
     * The subnets and NICs an NSG's own body says it is attached to ({@code properties.subnets[].id},
     * {@code properties.networkInterfaces[].id}); empty when it names none.
     */
    public static List<Attachment> ofNsg(ResourceId nsg, String json) {
        JsonNode properties = Bodies.properties(Bodies.object(json));
        List<Attachment> attachments = new ArrayList<>();
        for (String field : List.of("subnets", "networkInterfaces")) {
            JsonNode holders = Bodies.field(properties, field);
            if (holders == null || !holders.isArray()) {
                continue;
            }
            for (JsonNode holder : holders) {
                String id = Bodies.text(Bodies.field(holder, "id"));
                if (id != null) {
                    ResourceId holderId = ResourceId.parse(id);
                    attachments.add(new Attachment(holderId.key(), holderId.id(), nsg.id()));
                }
            }
        }
        return attachments;
    }

    private static String nsgIdOf(JsonNode properties) {
        JsonNode nsg = Bodies.field(properties, "networkSecurityGroup");
        return nsg == null ? null : Bodies.text(Bodies.field(nsg, "id"));
    }
}
