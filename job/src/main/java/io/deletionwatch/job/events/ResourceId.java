package io.deletionwatch.job.events;

import java.util.Locale;

/**
 * An Azure resource id taken apart. Azure ids arrive in any case ({@code /SUBSCRIPTIONS/...}), so
 * the parts used for matching are lower-cased while {@link #id()} keeps the original for display.
 *
 * @param id the id as received
 * @param key the id lower-cased without a trailing slash: the one to compare and key state by
 * @param subscriptionId the subscription GUID (lower case), or null
 * @param resourceGroup the resource group as received, or null
 * @param provider the resource provider namespace, lower case (e.g. {@code microsoft.network})
 * @param type the resource type path, lower case (e.g. {@code networksecuritygroups/securityrules})
 * @param name the resource's own name as received (the last segment)
 */
public record ResourceId(
        String id,
        String key,
        String subscriptionId,
        String resourceGroup,
        String provider,
        String type,
        String name) {

    /** Parses any ARM id; an id that does not follow the ARM shape keeps only id, key and name. */
    public static ResourceId parse(String id) {
        String trimmed = id.strip();
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        String key = trimmed.toLowerCase(Locale.ROOT);
        String[] parts = trimmed.startsWith("/") ? trimmed.substring(1).split("/") : trimmed.split("/");
        String subscription = null;
        String group = null;
        int providersAt = -1;
        for (int i = 0; i + 1 < parts.length; i++) {
            String segment = parts[i].toLowerCase(Locale.ROOT);
            if (segment.equals("subscriptions") && subscription == null) {
                subscription = parts[i + 1].toLowerCase(Locale.ROOT);
            } else if (segment.equals("resourcegroups") && group == null) {
                group = parts[i + 1];
            } else if (segment.equals("providers")) {
                providersAt = i; // the last one wins: extension resources nest under another
            }
        }
        String name = parts.length == 0 ? "" : parts[parts.length - 1];
        String provider;
        String type;
        if (providersAt >= 0 && providersAt + 2 < parts.length) {
            provider = parts[providersAt + 1].toLowerCase(Locale.ROOT);
            StringBuilder types = new StringBuilder();
            for (int i = providersAt + 2; i < parts.length; i += 2) {
                if (types.length() > 0) {
                    types.append('/');
                }
                types.append(parts[i].toLowerCase(Locale.ROOT));
            }
            type = types.toString();
        } else if (group != null && parts.length == 4) {
            provider = "microsoft.resources";
            type = "resourcegroups";
        } else if (subscription != null && parts.length == 2) {
            provider = "microsoft.resources";
            type = "subscriptions";
        } else {
            provider = null;
            type = null;
        }
        return new ResourceId(trimmed, key, subscription, group, provider, type, name);
    }

    /** The provider and type, e.g. {@code microsoft.network/networksecuritygroups}, or null. */
    public String fullType() {
        return provider == null ? null : provider + "/" + type;
    }

    /** Whether this is a resource of the given full type, e.g. {@code microsoft.network/networkinterfaces}. */
    public boolean isOfType(String fullType) {
        return fullType.equals(fullType());
    }
}
