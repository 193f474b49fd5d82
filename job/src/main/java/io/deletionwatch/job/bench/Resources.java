package io.deletionwatch.job.bench;

/**
 * The generated tenant's resources, by index: subnets, NICs and NSGs first (each subnet and NIC
 * keeps one NSG), then ordinary resources of a few types across 20 subscriptions.
 */
final class Resources {
    static final int SUBNETS = 4_000;
    static final int NICS = 8_000;
    static final int NSGS = 1_000;
    static final int NETWORK = SUBNETS + NICS + NSGS;

    private static final String[][] TYPES = {
        {"Microsoft.Compute/virtualMachines", "vm-", "restart/action"},
        {"Microsoft.Compute/disks", "disk-", "beginGetAccess/action"},
        {"Microsoft.Storage/storageAccounts", "st", "listKeys/action"},
        {"Microsoft.KeyVault/vaults", "kv-", "deploy/action"},
        {"Microsoft.Web/sites", "app-", "restart/action"},
        {"Microsoft.Sql/servers", "sql-", "firewallRules/action"},
        {"Microsoft.Network/publicIPAddresses", "pip-", "join/action"},
        {"Microsoft.ContainerRegistry/registries", "acr", "listCredentials/action"},
    };

    private Resources() {}

    static String subscription(int i) {
        return String.format("6a3c1d2e-%04x-4000-8000-00000000abcd", i % 20);
    }

    static String group(int i, String kind) {
        return "/subscriptions/" + subscription(i) + "/resourceGroups/rg-" + kind + "-" + (i / 20 % 10);
    }

    static String subnetName(int subnet) {
        return "snet-" + (subnet % 4);
    }

    static String subnetId(int subnet) {
        int vnet = subnet / 4;
        return group(vnet, "net") + "/providers/Microsoft.Network/virtualNetworks/vnet-" + vnet + "/subnets/" + subnetName(subnet);
    }

    static String nicId(int nic) {
        return group(nic, "app") + "/providers/Microsoft.Network/networkInterfaces/vm-" + nic + "-nic";
    }

    static String nsgId(int nsg) {
        return group(nsg, "net") + "/providers/Microsoft.Network/networkSecurityGroups/nsg-" + nsg;
    }

    static String nsgOf(int subnet) {
        return nsgId(subnet % NSGS);
    }

    static String nsgOfNic(int nic) {
        return nsgId((nic * 7) % NSGS);
    }

    /** An ordinary resource (index at least {@link #NETWORK}). */
    static String id(int resource) {
        String[] type = TYPES[resource % TYPES.length];
        return group(resource, "app") + "/providers/" + type[0] + "/" + type[1] + resource;
    }

    /** An action people run on the resource: list keys, restart. */
    static String actionOf(int resource) {
        return TYPES[resource % TYPES.length][2];
    }

    /** {@code Microsoft.Network/networkSecurityGroups/delete} from a resource id and a verb. */
    static String operation(String resourceId, String verb) {
        int providers = resourceId.lastIndexOf("/providers/");
        if (providers < 0) {
            return "Microsoft.Resources/subscriptions/resourceGroups/" + verb;
        }
        String[] parts = resourceId.substring(providers + "/providers/".length()).split("/");
        StringBuilder op = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i += 2) {
            op.append('/').append(parts[i]);
        }
        return op.append('/').append(verb).toString();
    }

    static String subscriptionOf(String resourceId) {
        int start = "/subscriptions/".length();
        int end = resourceId.indexOf('/', start);
        return end < 0 ? resourceId.substring(start) : resourceId.substring(start, end);
    }

    static String location(String resourceId) {
        return (resourceId.hashCode() & 1) == 0 ? "westeurope" : "northeurope";
    }
}
