package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ResourceId;
import java.time.Duration;
import java.util.Map;

/** Words for findings' messages: "network security group nsg-web", "12 minutes". */
public final class ResourceNames {
    private static final Map<String, String> NOUNS =
            Map.ofEntries(
                    Map.entry(Operations.NSG_TYPE, "network security group"),
                    Map.entry(Operations.NSG_TYPE + "/securityrules", "security rule"),
                    Map.entry(Operations.NIC_TYPE, "network interface"),
                    Map.entry(Operations.VNET_TYPE, "virtual network"),
                    Map.entry(Operations.SUBNET_TYPE, "subnet"),
                    Map.entry("microsoft.insights/diagnosticsettings", "diagnostic setting"),
                    Map.entry("microsoft.insights/logprofiles", "log profile"),
                    Map.entry("microsoft.operationalinsights/workspaces", "Log Analytics workspace"),
                    Map.entry("microsoft.network/networkwatchers", "Network Watcher"),
                    Map.entry("microsoft.network/networkwatchers/flowlogs", "flow log"),
                    Map.entry("microsoft.resources/resourcegroups", "resource group"),
                    Map.entry("microsoft.compute/virtualmachines", "virtual machine"),
                    Map.entry("microsoft.compute/disks", "disk"),
                    Map.entry("microsoft.storage/storageaccounts", "storage account"),
                    Map.entry("microsoft.keyvault/vaults", "key vault"),
                    Map.entry("microsoft.sql/servers", "SQL server"),
                    Map.entry("microsoft.sql/servers/databases", "SQL database"));

    private ResourceNames() {}

    /** "subnet vnet-prod/web", "network security group nsg-web", "resource x (microsoft.foo/bars)". */
    public static String describe(ResourceId resource) {
        String type = resource.fullType();
        String noun = type == null ? null : NOUNS.get(type);
        if (Operations.SUBNET_TYPE.equals(type)) {
            return noun + " " + parentName(resource) + "/" + resource.name();
        }
        if (noun != null) {
            return noun + " " + resource.name();
        }
        return "resource " + resource.name() + (type == null ? "" : " (" + type + ")");
    }

    /** The name of the resource a child resource belongs to: the VNet of a subnet. */
    private static String parentName(ResourceId resource) {
        String[] parts = resource.id().split("/");
        return parts.length >= 3 ? parts[parts.length - 3] : "?";
    }

    /** "45 seconds", "1 minute", "12 minutes", "2 hours 5 minutes". */
    public static String duration(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 60) {
            return plural(seconds, "second");
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return plural(minutes, "minute");
        }
        long hours = minutes / 60;
        long rest = minutes % 60;
        return plural(hours, "hour") + (rest == 0 ? "" : " " + plural(rest, "minute"));
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
