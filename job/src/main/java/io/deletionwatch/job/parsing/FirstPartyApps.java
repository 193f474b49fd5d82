package io.deletionwatch.job.parsing;

import java.util.Locale;
import java.util.Map;

/**
 * Names of Microsoft's own public client applications, for a caller whose token carries no UPN
 * and no name, only the {@code appid}: "Azure CLI" reads better than its GUID. The ids are the
 * well-known client ids Microsoft publishes for these tools (Azure Stack Hub's documentation of
 * the token endpoint lists the same values), the same in every tenant.
 */
final class FirstPartyApps {
    private static final Map<String, String> NAMES =
            Map.of(
                    "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI",
                    "1950a258-227b-4e31-a9cf-717495945fc2", "Microsoft Azure PowerShell",
                    "0a7bdc5c-7b57-40be-9939-d4c5fc7cd417", "Microsoft Azure PowerShell (legacy)",
                    "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal",
                    "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", "Visual Studio");

    private FirstPartyApps() {}

    /** The application's name, or null when it is not one of these. */
    static String nameOf(String appId) {
        return appId == null ? null : NAMES.get(appId.strip().toLowerCase(Locale.ROOT));
    }
}
