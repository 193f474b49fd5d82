package io.deletionwatch.job.findings;

import static io.deletionwatch.job.testing.ActivityRecords.BEGINNING;
import static io.deletionwatch.job.testing.ActivityRecords.kafka;
import static io.deletionwatch.job.testing.ActivityRecords.nsgId;
import static io.deletionwatch.job.testing.ActivityRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.rules.NsgDeletedRule;
import io.deletionwatch.job.rules.SingleEventFindings;
import io.deletionwatch.job.testing.ActivityRecords;
import io.deletionwatch.job.testing.CollectingParseOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Who a finding names, in Elastic's fields and in ours: {@code user.name} is a name or nothing,
 * never an app id (Elastic keeps that in {@code azure.activitylogs.identity.claims.appid}), while
 * {@code deletion_watch.caller} names every caller for dashboards and alert messages.
 */
class FindingCallerFieldsTest {
    private static final String NSG_DELETE = "Microsoft.Network/networkSecurityGroups/delete";
    private static final String SP_OID = "5e1f0c2a-7d3b-4c9e-8a61-2f4b9d0e7c13";
    private static final String APP_ID = "c0ffee00-1234-4abc-9def-00000000c1de";

    private static ActivityRecords nsgDeletion() {
        return record(NSG_DELETE, nsgId("rg-prod", "nsg-web"), "Success", "corr-1", BEGINNING);
    }

    private static Finding findingOf(ActivityRecords row) {
        CollectingParseOutput out = new CollectingParseOutput();
        new ActivityLogParser().parse(kafka(0, row.text()), out);
        assertThat(out.deadLetters).isEmpty();
        ActivityEvent event = out.events.get(0);
        return SingleEventFindings.of(
                NsgDeletedRule.DEFINITION, Severity.HIGH, event, "test", List.of(event), FindingDetails.NONE);
    }

    @Test
    void aServicePrincipalWithoutANameHasNoUserNameAndItsAppIdInItsOwnField() {
        ObjectNode doc = FindingDocument.toJson(findingOf(nsgDeletion().servicePrincipal(SP_OID, APP_ID)));

        assertThat(doc.at("/user/id").asText()).isEqualTo(SP_OID);
        assertThat(doc.at("/user/name").isMissingNode()).isTrue();
        assertThat(doc.at("/user/domain").isMissingNode()).isTrue();
        assertThat(doc.at("/azure/activitylogs/identity/claims/appid").asText()).isEqualTo(APP_ID);
        assertThat(doc.at("/deletion_watch/caller").asText()).isEqualTo(APP_ID);
        assertThat(doc.at("/deletion_watch/principal_type").asText()).isEqualTo("service_principal");
    }

    @Test
    void aPrincipalTheEnrichmentNamesIsThatNameInUserNameAndCaller() {
        Finding finding = findingOf(nsgDeletion().servicePrincipal(SP_OID, APP_ID));
        Finding named = finding.withCaller(finding.caller().withName("terraform-prod"), "terraform-prod deleted ...");
        ObjectNode doc = FindingDocument.toJson(named);

        assertThat(doc.at("/user/name").asText()).isEqualTo("terraform-prod");
        assertThat(doc.at("/user/id").asText()).isEqualTo(SP_OID);
        assertThat(doc.at("/deletion_watch/caller").asText()).isEqualTo("terraform-prod");
        assertThat(doc.at("/related/user").toString()).isEqualTo("[\"terraform-prod\",\"" + SP_OID + "\"]");
    }

    @Test
    void aUserIsNamedByTheLocalPartOfTheUpnAndCalledByTheWholeUpn() {
        ObjectNode doc = FindingDocument.toJson(findingOf(nsgDeletion()));

        assertThat(doc.at("/user/name").asText()).isEqualTo("alice");
        assertThat(doc.at("/user/domain").asText()).isEqualTo("contoso.com");
        assertThat(doc.at("/user/email").asText()).isEqualTo(ActivityRecords.ALICE);
        assertThat(doc.at("/deletion_watch/caller").asText()).isEqualTo(ActivityRecords.ALICE);
        assertThat(doc.at("/azure/activitylogs/identity").isMissingNode()).isTrue();
    }

    @Test
    void anUndashedPrincipalIdBecomesTheSameUserIdAsTheClaimGives() {
        ActivityRecords row = nsgDeletion().servicePrincipal(SP_OID, APP_ID);
        // The evidence spells the object id without dashes; with no objectidentifier claim it is the id.
        ObjectNode identity = (ObjectNode) row.json().get("identity");
        ((ObjectNode) identity.get("claims")).remove("http://schemas.microsoft.com/identity/claims/objectidentifier");
        ((ObjectNode) identity.at("/authorization/evidence")).put("principalId", SP_OID.replace("-", "").toUpperCase());

        assertThat(FindingDocument.toJson(findingOf(row)).at("/user/id").asText()).isEqualTo(SP_OID);
    }
}
