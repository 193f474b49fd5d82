package io.deletionwatch.job.events;

/**
 * Who performed an operation, derived from the token claims and the authorization evidence (the
 * Event Hubs schema has no {@code caller} field).
 *
 * @param id the Entra object id ({@code objectidentifier} claim, else evidence principalId)
 * @param name the UPN, else the name claims, else the app id
 * @param email the UPN when it is one
 * @param appId the {@code appid} claim, for service principals and managed identities
 * @param principalType {@code user}, {@code service_principal}, {@code managed_identity} or
 *     {@code unknown}
 */
public record Caller(String id, String name, String email, String appId, String principalType) {
    public static final String USER = "user";
    public static final String SERVICE_PRINCIPAL = "service_principal";
    public static final String MANAGED_IDENTITY = "managed_identity";
    public static final String UNKNOWN = "unknown";

    public static final Caller NONE = new Caller(null, null, null, null, UNKNOWN);

    /** The same principal under another name (from the lookup file). */
    public Caller withName(String newName) {
        return new Caller(id, newName, email, appId, principalType);
    }

    /** A name for sentences: the name, else the id, else "an unknown caller". */
    public String displayName() {
        if (name != null) {
            return name;
        }
        return id != null ? id : "an unknown caller";
    }

    /** The key rules group a caller's activity by: the object id, else the name. */
    public String key() {
        return id != null ? id : name;
    }
}
