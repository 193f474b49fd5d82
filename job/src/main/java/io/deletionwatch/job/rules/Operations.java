package io.deletionwatch.job.rules;

import java.util.Set;

/** Lower-cased operation names and resource types the rules match on (see activity-log.md). */
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

    public static final String DIAGNOSTIC_SETTINGS_DELETE =
            "microsoft.insights/diagnosticsettings/delete";
    public static final String LOG_PROFILE_DELETE = "microsoft.insights/logprofiles/delete";
    public static final String WORKSPACE_DELETE = "microsoft.operationalinsights/workspaces/delete";
    public static final String NETWORK_WATCHER_DELETE = "microsoft.network/networkwatchers/delete";
    public static final String FLOW_LOG_DELETE = "microsoft.network/networkwatchers/flowlogs/delete";

    /** Deletions that switch logging off: diagnostic settings, log profiles, workspaces, watchers. */
    public static final Set<String> LOGGING_DELETES =
            Set.of(
                    DIAGNOSTIC_SETTINGS_DELETE,
                    LOG_PROFILE_DELETE,
                    WORKSPACE_DELETE,
                    NETWORK_WATCHER_DELETE,
                    FLOW_LOG_DELETE);

    public static final String NSG_TYPE = "microsoft.network/networksecuritygroups";
    public static final String NIC_TYPE = "microsoft.network/networkinterfaces";
    public static final String VNET_TYPE = "microsoft.network/virtualnetworks";
    public static final String SUBNET_TYPE = "microsoft.network/virtualnetworks/subnets";

    private Operations() {}

    public static boolean isLoggingDelete(String operation) {
        return LOGGING_DELETES.contains(operation);
    }
}
