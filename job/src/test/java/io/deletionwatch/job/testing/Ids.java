package io.deletionwatch.job.testing;

import static io.deletionwatch.job.testing.ActivityRecords.SUBSCRIPTION;

/** Azure resource ids for test records, in the case Azure writes them. */
public final class Ids {
    private Ids() {}

    public static String group(String group) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group;
    }

    private static String provider(String group, String provider) {
        return group(group) + "/providers/" + provider;
    }

    public static String nsg(String group, String name) {
        return provider(group, "Microsoft.Network/networkSecurityGroups/" + name);
    }

    public static String securityRule(String group, String nsg, String name) {
        return nsg(group, nsg) + "/securityRules/" + name;
    }

    public static String vnet(String group, String name) {
        return provider(group, "Microsoft.Network/virtualNetworks/" + name);
    }

    public static String subnet(String group, String vnet, String name) {
        return vnet(group, vnet) + "/subnets/" + name;
    }

    public static String nic(String group, String name) {
        return provider(group, "Microsoft.Network/networkInterfaces/" + name);
    }

    public static String ipConfiguration(String group, String nic, String name) {
        return nic(group, nic) + "/ipConfigurations/" + name;
    }

    public static String vm(String group, String name) {
        return provider(group, "Microsoft.Compute/virtualMachines/" + name);
    }

    public static String disk(String group, String name) {
        return provider(group, "Microsoft.Compute/disks/" + name);
    }

    public static String storage(String group, String name) {
        return provider(group, "Microsoft.Storage/storageAccounts/" + name);
    }

    public static String keyVault(String group, String name) {
        return provider(group, "Microsoft.KeyVault/vaults/" + name);
    }

    public static String workspace(String group, String name) {
        return provider(group, "Microsoft.OperationalInsights/workspaces/" + name);
    }

    public static String networkWatcher(String group, String name) {
        return provider(group, "Microsoft.Network/networkWatchers/" + name);
    }

    public static String flowLog(String group, String watcher, String name) {
        return networkWatcher(group, watcher) + "/flowLogs/" + name;
    }

    /** A diagnostic setting on a resource (an extension resource). */
    public static String diagnosticSetting(String resourceId, String name) {
        return resourceId + "/providers/microsoft.insights/diagnosticSettings/" + name;
    }

    /** The subscription's Activity Log diagnostic setting. */
    public static String subscriptionDiagnosticSetting(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/providers/microsoft.insights/diagnosticSettings/" + name;
    }

    public static String logProfile(String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/providers/microsoft.insights/logprofiles/" + name;
    }
}
