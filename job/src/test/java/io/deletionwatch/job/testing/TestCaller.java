package io.deletionwatch.job.testing;

/** A user or service principal that test records are made by. */
public record TestCaller(String objectId, String upn, String appId) {
    public static final TestCaller ALICE =
            user(ActivityRecords.ALICE_OID, ActivityRecords.ALICE);
    public static final TestCaller BOB =
            user("22222222-bbbb-4ccc-8ddd-000000000002", "bob@contoso.com");
    public static final TestCaller CAROL =
            user("33333333-cccc-4ddd-8eee-000000000003", "carol@contoso.com");
    /** The infrastructure-as-code pipeline's service principal. */
    public static final TestCaller TERRAFORM =
            servicePrincipal(
                    "44444444-dddd-4eee-8fff-000000000004", "9f1c0d2e-7a6b-4c5d-8e9f-0a1b2c3d4e5f");
    /** A cleanup automation's service principal. */
    public static final TestCaller JANITOR =
            servicePrincipal(
                    "55555555-eeee-4fff-8aaa-000000000005", "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b");

    public static TestCaller user(String objectId, String upn) {
        return new TestCaller(objectId, upn, null);
    }

    public static TestCaller servicePrincipal(String objectId, String appId) {
        return new TestCaller(objectId, null, appId);
    }

    public boolean isServicePrincipal() {
        return appId != null;
    }

    /** The name findings show: the UPN, else the app id. */
    public String displayName() {
        return upn != null ? upn : appId;
    }

    /** The caller's address: a user's office, or an Azure address for a service principal. */
    public String ip() {
        int n = Math.floorMod(objectId.hashCode(), 200) + 20;
        return isServicePrincipal() ? "20.61.14." + n : "198.51.100." + n;
    }

    ActivityRecords applyTo(ActivityRecords record) {
        ActivityRecords r =
                isServicePrincipal()
                        ? record.servicePrincipal(objectId, appId)
                        : record.user(objectId, upn);
        return r.set("callerIpAddress", ip());
    }
}
