package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.connectors.testing.CollectingSink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hand-written incident files in shapes the record builder does not make: bare NDJSON records, one
 * pretty-printed envelope, 7-digit fractions, upper-cased ids, bodies and status messages as JSON
 * objects, a detach shown only by a response body. Each yields its incident exactly once.
 */
class ScenarioFilesTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590";
    private static final String NSG = SUB + "/resourceGroups/Prod-RG/providers/Microsoft.Network/networkSecurityGroups/web-nsg";

    private static Set<String> incidents(String file) throws Exception {
        Path path = Path.of(ScenarioFilesTest.class.getResource("/scenarios/" + file).toURI());
        CollectingSink<Finding> findings = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        DetectionConfig config = DetectionConfig.defaults();
        Detect.run(List.of(path), Rules.all(config), config, findings, deadLetters);
        assertThat(deadLetters.drain()).isEmpty();
        Map<String, Finding> byId = new LinkedHashMap<>();
        findings.drain().forEach(f -> byId.put(f.id(), f));
        Set<String> out = new TreeSet<>();
        for (Finding f : byId.values()) {
            out.add(
                    f.rule().id()
                            + " " + f.severity().label()
                            + " " + (f.resource() == null ? "-" : f.resource().id())
                            + " " + f.caller().displayName()
                            + (f.details().count() == null ? "" : " count=" + f.details().count())
                            + (f.details().unprotectedResources() == null ? "" : " unprotected=" + f.details().unprotectedResources().size()));
        }
        return out;
    }

    @Test
    void shouldFindAForcedNsgDeletion() throws Exception {
        assertThat(incidents("nsg-forced-deletion.ndjson"))
                .containsExactly(
                        "nsg-deleted high " + NSG + " mallet@fabrikam.com",
                        "nsg-disassociated-then-deleted critical " + NSG + " mallet@fabrikam.com unprotected=2",
                        "nsg-forced-deletion critical " + NSG + " mallet@fabrikam.com unprotected=2");
    }

    @Test
    void shouldFindAServicePrincipalsMassDeletionOnce() throws Exception {
        assertThat(incidents("mass-deletion-service-principal.json"))
                .containsExactly("mass-deletion high - 2f3e4d5c-6b7a-4899-8a7b-6c5d4e3f2a1b count=11");
    }

    @Test
    void shouldFindLoggingSwitchedOffThenADeletion() throws Exception {
        assertThat(incidents("logging-disabled-then-deletion.ndjson"))
                .containsExactly(
                        "logging-disabled high " + SUB + "/providers/microsoft.insights/diagnosticSettings/send-to-law mallet@fabrikam.com",
                        "logging-disabled-then-deletion critical " + SUB
                                + "/resourceGroups/Backup-RG/providers/Microsoft.Storage/storageAccounts/bkpstore01 mallet@fabrikam.com");
    }
}
