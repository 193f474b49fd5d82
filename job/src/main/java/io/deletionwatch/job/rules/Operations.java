package io.deletionwatch.job.rules;

/** Lower-cased operation names the rules match on (see activity-log.md). */
public final class Operations {
    public static final String NSG_DELETE = "microsoft.network/networksecuritygroups/delete";
    public static final String NSG_WRITE = "microsoft.network/networksecuritygroups/write";
    public static final String NSG_RULE_WRITE =
            "microsoft.network/networksecuritygroups/securityrules/write";
    public static final String NSG_RULE_DELETE =
            "microsoft.network/networksecuritygroups/securityrules/delete";
    public static final String SUBNET_WRITE = "microsoft.network/virtualnetworks/subnets/write";
    public static final String VNET_WRITE = "microsoft.network/virtualnetworks/write";
    public static final String NIC_WRITE = "microsoft.network/networkinterfaces/write";

    public static final String NSG_TYPE = "microsoft.network/networksecuritygroups";

    private Operations() {}
}
