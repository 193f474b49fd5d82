package io.deletionwatch.job.rules.nsg;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.job.events.ResourceId;
import io.deletionwatch.job.rules.Bodies;
import io.deletionwatch.job.rules.Operations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the error of an NSG delete refused because the NSG is in use:
 * {@code InUseNetworkSecurityGroupCannotBeDeleted}, "Network security group X cannot be deleted
 * because it is in use by the following resources: [ids]". The ids name subnets, NICs or NIC IP
 * configurations; an IP configuration stands for its NIC.
 */
public final class InUseErrors {
    public static final String CODE = "InUseNetworkSecurityGroupCannotBeDeleted";

    private static final Pattern RESOURCE_ID =
            Pattern.compile("/subscriptions/[^\\s,;\"'\\[\\]()<>{}]+", Pattern.CASE_INSENSITIVE);

    private InUseErrors() {}

    /** Whether the status message is this error (cheap: no parsing). */
    public static boolean isInUse(String statusMessage) {
        return statusMessage != null
                && statusMessage.toLowerCase(Locale.ROOT).contains(CODE.toLowerCase(Locale.ROOT));
    }

    /**
     * The subnets and NICs the error says hold the NSG, as ids in their original case, without
     * duplicates (compared case-insensitively); empty when this is not the error.
     *
     * @param nsgKey the NSG's own key, which the message also names and which is left out
     */
    public static List<String> holders(String statusMessage, String nsgKey) {
        if (!isInUse(statusMessage)) {
            return List.of();
        }
        Map<String, String> holders = new LinkedHashMap<>();
        Matcher matcher = RESOURCE_ID.matcher(messageText(statusMessage));
        while (matcher.find()) {
            String id = trimSentenceEnd(matcher.group());
            String holder = holderOf(id);
            if (holder != null) {
                String key = ResourceId.parse(holder).key();
                if (!key.equals(nsgKey)) {
                    holders.putIfAbsent(key, holder);
                }
            }
        }
        return new ArrayList<>(holders.values());
    }

    /** A subnet or NIC id for the id, or null for anything else (the NSG itself, a VNet). */
    static String holderOf(String id) {
        ResourceId resource = ResourceId.parse(id);
        String type = resource.fullType();
        if (Operations.SUBNET_TYPE.equals(type) || Operations.NIC_TYPE.equals(type)) {
            return resource.id();
        }
        if ((Operations.NIC_TYPE + "/ipconfigurations").equals(type)) {
            // .../networkInterfaces/{nic}/ipConfigurations/{name}: drop the last two segments.
            String trimmed = resource.id();
            int cut = trimmed.lastIndexOf('/', trimmed.lastIndexOf('/') - 1);
            return trimmed.substring(0, cut);
        }
        return null;
    }

    /** The error's texts when it is JSON (ids may be escaped there), else the message itself. */
    private static String messageText(String statusMessage) {
        JsonNode json = Bodies.object(statusMessage);
        if (json == null) {
            return statusMessage;
        }
        StringBuilder text = new StringBuilder();
        collectText(json, text);
        return text.toString();
    }

    private static void collectText(JsonNode node, StringBuilder text) {
        if (node.isTextual()) {
            text.append(node.textValue()).append(' ');
        } else if (node.isContainerNode()) {
            node.forEach(child -> collectText(child, text));
        }
    }

    private static String trimSentenceEnd(String id) {
        String trimmed = id;
        while (trimmed.endsWith(".") || trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
