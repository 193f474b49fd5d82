package io.deletionwatch.job.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrichmentTableTest {
    private static final String SUB = "6a3c1d2e-0000-4000-8000-00000000abcd";
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
                .hasMessageContaining("line 2: kind is \"vm\"; use subscription or resource");
        assertThatThrownBy(() -> EnrichmentTable.load(badJson))
                .hasMessageContaining("an entry of \"resources\" has no \"criticality\"");
    }
}
