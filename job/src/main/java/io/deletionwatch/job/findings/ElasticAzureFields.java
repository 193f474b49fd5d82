package io.deletionwatch.job.findings;

import io.deletionwatch.job.events.ResourceId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts of a finding written the way Elastic's Azure integration ({@code azure.activitylogs} data
 * stream, elastic/integrations {@code packages/azure}) writes the same facts of the raw event, so a
 * pivot from a finding to {@code logs-azure.activitylogs-*} matches on equal values: keyword
 * fields are case-sensitive, and the job's rules compare lower-cased copies of their own.
 */
final class ElasticAzureFields {
    /** Elastic's grok {@code %{USERNAME}@%{HOSTNAME}} on the UPN claim. */
    private static final Pattern UPN = Pattern.compile("([a-zA-Z0-9._-]+)@([0-9A-Za-z][0-9A-Za-z._-]*)");
    /** An ARM region name once spaces are gone: {@code westeurope}, {@code eastus2}; not {@code global}. */
    private static final Pattern REGION = Pattern.compile("[a-z]{4,}[0-9]*");

    private ElasticAzureFields() {}

    /**
     * The last evidence row of the finding's own operation: its operation as the Activity Log
     * spelt it is {@code event.action}, its phase Elastic's result type. Null when no row has it.
     */
    static Evidence primary(Finding finding) {
        Evidence primary = null;
        for (Evidence e : finding.evidence()) {
            if (e.operation() != null && e.operation().equalsIgnoreCase(finding.action())) {
                primary = e;
            }
        }
        return primary;
    }

    /** {@code event.action}: the primary row's operation as received, else the lower-cased form. */
    static String action(Finding finding, Evidence primary) {
        return primary != null ? primary.operation() : finding.action();
    }

    /** A UPN split as Elastic splits it: {@code user.name} its local part, {@code user.domain} the rest. */
    record UserName(String name, String domain) {}

    static UserName split(String email) {
        if (email == null) {
            return null;
        }
        Matcher m = UPN.matcher(email);
        return m.matches() ? new UserName(m.group(1), m.group(2)) : null;
    }

    /** {@code cloud.region}: the location when it names a region ({@code West Europe} is {@code westeurope}). */
    static String region(String location) {
        if (location == null) {
            return null;
        }
        String region = location.replace(" ", "").toLowerCase(Locale.ROOT);
        return REGION.matcher(region).matches() && !region.equals("global") ? region : null;
    }

    /**
     * {@code azure.resource_provider.namespace}: the provider namespace and the top-level resource
     * type as the id spells them, e.g. {@code Microsoft.Network/networkSecurityGroups}; for a
     * resource group or subscription id, null.
     */
    static String providerNamespace(ResourceId resource) {
        String[] parts = resource.id().split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (parts[i].equalsIgnoreCase("providers")) {
                return i + 2 < parts.length ? parts[i + 1] + "/" + parts[i + 2] : parts[i + 1];
            }
        }
        return null;
    }

    /** The tenant a tenant-level id names ({@code /tenants/<id>/providers/...}), as Elastic reads it. */
    static String tenantOf(ResourceId resource) {
        if (resource == null) {
            return null;
        }
        String[] parts = resource.id().split("/");
        return parts.length > 2 && parts[0].isEmpty() && parts[1].equalsIgnoreCase("tenants") ? parts[2] : null;
    }
}
