package io.deletionwatch.job.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.job.events.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrichmentTableTest {
    private static final String SUB = "6a3c1d2e-0000-4000-8000-00000000abcd";
    private static final String TERRAFORM_OID = "44444444-dddd-4eee-8fff-000000000004";
    private static final String BACKUP_APP_ID = "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
    private static final String RG_PROD = "/subscriptions/" + SUB + "/resourceGroups/rg-prod";

    @Test
    void shouldReadTheJsonForm(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lookup.json");
        Files.writeString(
                file,
                "{\"subscriptions\":[{\"id\":\"" + SUB.toUpperCase() + "\",\"name\":\"Production\","
                        + "\"environment\":\"prod\",\"owner\":\"netops\"}],"
                        + "\"resources\":[{\"prefix\":\"" + RG_PROD + "/\",\"criticality\":\"high\"}]}");

        EnrichmentTable table = EnrichmentTable.load(file);

        assertThat(table.subscriptions().get(SUB))
                .isEqualTo(new EnrichmentTable.Subscription(SUB.toUpperCase(), "Production", "prod", "netops"));
        assertThat(table.criticalityOf((RG_PROD + "/providers/x/y/z").toLowerCase())).isEqualTo("high");
    }

    @Test
    void shouldReadTheCsvFormWithQuotedFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lookup.csv");
        Files.writeString(
                file,
                "# exported from the CMDB\nkind,key,name,environment,owner,criticality\n"
                        + "subscription," + SUB + ",\"Production, EU\",prod,netops,\n"
                        + "resource," + RG_PROD + ",,,,high\n"
                        + "resource," + RG_PROD + "/providers/Microsoft.Network/networkSecurityGroups/nsg-web,,,,critical\n");

        EnrichmentTable table = EnrichmentTable.load(file);

        assertThat(table.subscriptions().get(SUB).name()).isEqualTo("Production, EU");
        String nsg = (RG_PROD + "/providers/Microsoft.Network/networkSecurityGroups/nsg-web").toLowerCase();
        assertThat(table.criticalityOf(nsg)).isEqualTo("critical"); // the longest prefix wins
        assertThat(table.criticalityOf(nsg + "/securityrules/allow-ssh")).isEqualTo("critical");
        assertThat(table.criticalityOf(RG_PROD.toLowerCase() + "/providers/x/y/z")).isEqualTo("high");
    }

    @Test
    void shouldMatchPrefixesOnWholePathSegments() {
        EnrichmentTable table =
                new EnrichmentTable(Map.of(), java.util.List.of(new EnrichmentTable.Criticality(RG_PROD, "high")));

        assertThat(table.criticalityOf(RG_PROD.toLowerCase())).isEqualTo("high");
        assertThat(table.criticalityOf(RG_PROD.toLowerCase() + "-old/providers/x/y/z")).isNull();
    }

    @Test
    void shouldExplainWhatIsWrongWithAFile(@TempDir Path dir) throws Exception {
        Path noKind = dir.resolve("a.csv");
        Files.writeString(noKind, "key,name\nx,y\n");
        Path badKind = dir.resolve("b.csv");
        Files.writeString(badKind, "kind,key,criticality\nvm,x,high\n");
        Path badJson = dir.resolve("c.json");
        Files.writeString(badJson, "{\"resources\":[{\"prefix\":\"/subscriptions/x\"}]}");

        assertThatThrownBy(() -> EnrichmentTable.load(noKind))
                .hasMessageContaining("a.csv")
                .hasMessageContaining("it has no \"kind\"");
        assertThatThrownBy(() -> EnrichmentTable.load(badKind))
                .hasMessageContaining("line 2: kind is \"vm\"; use subscription, resource or principal");
        assertThatThrownBy(() -> EnrichmentTable.load(badJson))
                .hasMessageContaining("an entry of \"resources\" has no \"criticality\"");
    }

    @Test
    void shouldReadPrincipalsAndMatchThemByObjectIdOrAppId(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("lookup.json");
        Files.writeString(
                json,
                "{\"principals\":[{\"id\":\"" + TERRAFORM_OID.toUpperCase() + "\",\"name\":\"terraform-prod\","
                        + "\"owner\":\"platform\",\"kind\":\"terraform\"},"
                        + "{\"id\":\"" + BACKUP_APP_ID + "\",\"name\":\"backup-job\"}]}");
        Path csv = dir.resolve("lookup.csv");
        Files.writeString(
                csv,
                "kind,key,name,environment,owner,criticality,principal_kind\n"
                        + "principal," + TERRAFORM_OID + ",terraform-prod,,platform,,terraform\n"
                        + "principal," + BACKUP_APP_ID.toUpperCase() + ",backup-job,,,,\n");

        for (Path file : List.of(json, csv)) {
            EnrichmentTable table = EnrichmentTable.load(file);
            Caller terraform = new Caller(TERRAFORM_OID, "9f1c0d2e-app", null, "9f1c0d2e-app", Caller.SERVICE_PRINCIPAL);
            Caller backup = new Caller("77777777-0000-4000-8000-000000000007", BACKUP_APP_ID, null, BACKUP_APP_ID, Caller.SERVICE_PRINCIPAL);
            Caller stranger = new Caller("88888888-0000-4000-8000-000000000008", "x", null, "y", Caller.SERVICE_PRINCIPAL);

            assertThat(table.principal(terraform)).as(file.toString()).get()
                    .satisfies(p -> {
                        assertThat(p.name()).isEqualTo("terraform-prod");
                        assertThat(p.owner()).isEqualTo("platform");
                        assertThat(p.kind()).isEqualTo("terraform");
                    });
            assertThat(table.principal(backup)).as(file.toString()).get()
                    .extracting(EnrichmentTable.Principal::name).isEqualTo("backup-job");
            assertThat(table.principal(stranger)).as(file.toString()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAPrincipalWithoutAName(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, "kind,key,name\nprincipal," + TERRAFORM_OID + ",\n");
        Path json = dir.resolve("p.json");
        Files.writeString(json, "{\"principals\":[{\"id\":\"" + TERRAFORM_OID + "\"}]}");

        assertThatThrownBy(() -> EnrichmentTable.load(csv))
                .hasMessageContaining("line 2: a principal row needs a name");
        assertThatThrownBy(() -> EnrichmentTable.load(json))
                .hasMessageContaining("an entry of \"principals\" has no \"name\"");
    }
}
