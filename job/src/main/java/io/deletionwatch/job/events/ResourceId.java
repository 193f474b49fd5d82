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
        String[] parts = segments(trimmed);
        String subscription = null;
        String group = null;
        int providersAt = -1;
        for (int i = 0; i + 1 < parts.length; i++) {
            String segment = parts[i];
            if (subscription == null && isWord(segment, "subscriptions")) {
                subscription = parts[i + 1].toLowerCase(Locale.ROOT);
            } else if (group == null && isWord(segment, "resourcegroups")) {
                group = parts[i + 1];
            } else if (isWord(segment, "providers")) {
                providersAt = i; // the last one wins: extension resources nest under another
            }
        }
        String name = parts.length == 0 ? "" : parts[parts.length - 1];
        String provider;
        String type;
        if (providersAt >= 0 && providersAt + 2 < parts.length) {
            provider = parts[providersAt + 1].toLowerCase(Locale.ROOT);
            type = parts[providersAt + 2].toLowerCase(Locale.ROOT);
            for (int i = providersAt + 4; i < parts.length; i += 2) {
                type = type + "/" + parts[i].toLowerCase(Locale.ROOT);
            }
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

    /**
     * Whether the segment lower-cases to the word (lower-case ASCII), without lower-casing it. Of
     * the characters outside ASCII only the Kelvin sign lower-cases to an ASCII letter ('k'), and
     * no word here has one, so comparing ASCII letters alone gives the same answer.
     */
    private static boolean isWord(String segment, String word) {
        if (segment.length() != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = segment.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The id's segments after a leading '/', as {@code String.split("/")} gives them without its
     * costs, for ids that do not end in '/' (parse strips that first) or are "/" itself.
     */
    static String[] segments(String id) {
        int from = id.startsWith("/") ? 1 : 0;
        int count = 1;
        for (int i = from; i < id.length(); i++) {
            if (id.charAt(i) == '/') {
                count++;
            }
        }
        String[] parts = new String[count];
        int n = 0;
        int start = from;
        for (int i = from; i <= id.length(); i++) {
            if (i == id.length() || id.charAt(i) == '/') {
                parts[n++] = id.substring(start, i);
                start = i + 1;
            }
        }
        return parts;
    }

    /** The provider and type, e.g. {@code microsoft.network/networksecuritygroups}, or null. */
    public String fullType() {
        return provider == null ? null : provider + "/" + type;
    }

    /** Whether this is a resource of the given full type, e.g. {@code microsoft.network/networkinterfaces}. */
    public boolean isOfType(String fullType) {
        // every rule asks this of every event: compare in place rather than build fullType()
        return provider != null
                && fullType.length() == provider.length() + 1 + type.length()
                && fullType.startsWith(provider)
                && fullType.charAt(provider.length()) == '/'
                && fullType.endsWith(type);
    }
}
